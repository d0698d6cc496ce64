package web

import "github.com/isms-dev/isms/internal/router"

// registerAssetPages adds the pages of the asset inventory, the ISMS
// context and the risk methodology.
func (u *UI) registerAssetPages(r *router.Router) {
}
