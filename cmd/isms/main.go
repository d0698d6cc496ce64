// Command isms is the information security management system: run
// `isms serve --demo` to try it, `isms --help` for every command.
package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"

	"github.com/isms-dev/isms/internal/cli"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := cli.Run(ctx, os.Args[1:], cli.IO{In: os.Stdin, Out: os.Stdout, Err: os.Stderr})
	stop()
	os.Exit(code)
}
