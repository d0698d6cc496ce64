package store

import "context"

// TamperForTest runs raw SQL inside a transaction, to show that the
// database itself refuses changes to the ledger.
func (tx *Tx) TamperForTest(ctx context.Context, query string) error {
	_, err := tx.tx.ExecContext(ctx, query)
	return err
}
