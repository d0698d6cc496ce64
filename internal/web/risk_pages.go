package web

import "github.com/isms-dev/isms/internal/router"

// registerRiskPages adds the pages of the risk register.
func (u *UI) registerRiskPages(r *router.Router) {
}
