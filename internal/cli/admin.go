package cli

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"github.com/isms-dev/isms/internal/app"
	"github.com/isms-dev/isms/internal/isms"
)

// formatFlag adds --format to a list command.
func formatFlag(cmd *cobra.Command) *string {
	return cmd.Flags().String("format", "table", "output format: table or json")
}

// printList writes rows as an aligned table or items as JSON.
func (e *environment) printList(format string, header []string, rows [][]string, items any) error {
	switch format {
	case "json":
		enc := json.NewEncoder(e.io.Out)
		enc.SetIndent("", "  ")
		return enc.Encode(items)
	case "table":
		tw := tabwriter.NewWriter(e.io.Out, 0, 0, 2, ' ', 0)
		fmt.Fprintln(tw, strings.Join(header, "\t"))
		for _, r := range rows {
			fmt.Fprintln(tw, strings.Join(r, "\t"))
		}
		return tw.Flush()
	}
	return fmt.Errorf("--format %q: use table or json", format)
}

func (e *environment) orgCmd() *cobra.Command {
	cmd := &cobra.Command{Use: "org", Short: "Create and list organisations"}
	var name string
	create := &cobra.Command{
		Use:   "create SLUG --name NAME",
		Short: "Create an organisation",
		Long:  "Create an organisation with its own ledger chain. Add its first owner with 'isms user add EMAIL --org SLUG --role owner'.",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			svc, done, err := e.openService(cmd)
			if err != nil {
				return err
			}
			defer done()
			org, err := svc.CreateOrg(cmd.Context(), operator(), app.OrgInput{Slug: args[0], Name: name})
			if err != nil {
				return describe(err)
			}
			fmt.Fprintf(e.io.Out, "created organisation %s (%s), id %s\n", org.Slug, org.Name, org.ID)
			return nil
		},
	}
	create.Flags().StringVar(&name, "name", "", "display name (required)")
	_ = create.MarkFlagRequired("name")

	list := &cobra.Command{
		Use:   "list",
		Short: "List every organisation of the instance",
		Args:  cobra.NoArgs,
	}
	format := formatFlag(list)
	list.RunE = func(cmd *cobra.Command, _ []string) error {
		svc, done, err := e.openService(cmd)
		if err != nil {
			return err
		}
		defer done()
		var all []isms.Organization
		after := ""
		for {
			page, err := svc.ListAllOrgs(cmd.Context(), operator(), after, 200)
			if err != nil {
				return err
			}
			all = append(all, page...)
			if len(page) < 200 {
				break
			}
			after = page[len(page)-1].Slug
		}
		rows := make([][]string, len(all))
		for i, o := range all {
			rows[i] = []string{o.Slug, o.Name, o.ID, o.CreatedAt.Format(time.DateOnly)}
		}
		if all == nil {
			all = []isms.Organization{}
		}
		return e.printList(*format, []string{"SLUG", "NAME", "ID", "CREATED"}, rows, all)
	}
	cmd.AddCommand(create, list)
	return cmd
}

// openOrg opens an organisation for the operator.
func openOrg(cmd *cobra.Command, svc *app.Service, slug string) (app.Access, error) {
	acc, err := svc.OpenOrg(cmd.Context(), operator(), slug)
	if err != nil {
		return acc, describe(fmt.Errorf("organisation %q: %w", slug, err))
	}
	return acc, nil
}

// allPages follows a list's cursors to the end; operators list everything.
func allPages[T any](fetch func(cursor string) ([]T, string, error)) ([]T, error) {
	all := []T{}
	cursor := ""
	for {
		page, next, err := fetch(cursor)
		if err != nil {
			return nil, err
		}
		all = append(all, page...)
		if next == "" {
			return all, nil
		}
		cursor = next
	}
}

// readPassword reads one line from stdin.
func (e *environment) readPassword() (string, error) {
	line, err := bufio.NewReader(e.io.In).ReadString('\n')
	if err != nil && !errors.Is(err, io.EOF) {
		return "", fmt.Errorf("read password from stdin: %w", err)
	}
	line = strings.TrimRight(line, "\r\n")
	if line == "" {
		return "", errors.New("--password-stdin: no password on standard input")
	}
	return line, nil
}

func (e *environment) userCmd() *cobra.Command {
	cmd := &cobra.Command{Use: "user", Short: "Add people to organisations and manage accounts"}
	var (
		org, role, name, expires string
		passwordStdin, instAdmin bool
	)
	add := &cobra.Command{
		Use:   "add EMAIL --org SLUG --role ROLE",
		Short: "Add a person to an organisation, creating their account if needed",
		Long: `Add a person to an organisation with a role (owner, admin, isms_manager, contributor,
viewer or auditor). A new account needs --name and gets the password read from standard
input with --password-stdin, or a generated one that is printed once. An existing
account keeps its password. Auditors need --expires.`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			svc, done, err := e.openService(cmd)
			if err != nil {
				return err
			}
			defer done()
			in := app.MemberInput{Email: args[0], Name: name, Role: role}
			if passwordStdin {
				if in.Password, err = e.readPassword(); err != nil {
					return err
				}
			}
			if expires != "" {
				t, err := time.Parse(time.DateOnly, expires)
				if err != nil {
					return fmt.Errorf("--expires %q: use a date such as 2027-03-31", expires)
				}
				end := t.Add(24*time.Hour - time.Microsecond)
				in.ExpiresAt = &end
			}
			acc, err := openOrg(cmd, svc, org)
			if err != nil {
				return err
			}
			added, err := svc.AddMember(cmd.Context(), acc, in)
			if err != nil {
				return describe(err)
			}
			if instAdmin {
				if _, err := svc.SetInstanceAdmin(cmd.Context(), operator(), args[0], true); err != nil {
					return describe(err)
				}
			}
			verb := "added existing account"
			if added.AccountCreated {
				verb = "created account"
			}
			fmt.Fprintf(e.io.Out, "%s %s to %s as %s\n", verb, added.Member.Email, org, added.Member.Role)
			if added.GeneratedPassword != "" {
				fmt.Fprintf(e.io.Out, "first password (shown once): %s\n", added.GeneratedPassword)
			}
			return nil
		},
	}
	add.Flags().StringVar(&org, "org", "", "organisation slug (required)")
	add.Flags().StringVar(&role, "role", "", "role: "+strings.Join(isms.RoleNames(), ", ")+" (required)")
	add.Flags().StringVar(&name, "name", "", "the person's name, for a new account")
	add.Flags().StringVar(&expires, "expires", "", "last day of access, YYYY-MM-DD (required for auditors)")
	add.Flags().BoolVar(&passwordStdin, "password-stdin", false, "read the new account's password from standard input")
	add.Flags().BoolVar(&instAdmin, "instance-admin", false, "also let the account create organisations")
	_ = add.MarkFlagRequired("org")
	_ = add.MarkFlagRequired("role")

	var listOrg string
	list := &cobra.Command{
		Use:   "list [--org SLUG]",
		Short: "List the members of an organisation, or every account",
		Args:  cobra.NoArgs,
	}
	format := formatFlag(list)
	list.Flags().StringVar(&listOrg, "org", "", "list this organisation's members instead of all accounts")
	list.RunE = func(cmd *cobra.Command, _ []string) error {
		svc, done, err := e.openService(cmd)
		if err != nil {
			return err
		}
		defer done()
		if listOrg == "" {
			users, err := e.allUsers(cmd, svc)
			if err != nil {
				return err
			}
			rows := make([][]string, len(users))
			for i, u := range users {
				rows[i] = []string{u.Email, u.Name, yesNo(u.InstanceAdmin), yesNo(u.Disabled), u.ID}
			}
			return e.printList(*format, []string{"EMAIL", "NAME", "INSTANCE ADMIN", "DISABLED", "ID"}, rows, users)
		}
		acc, err := openOrg(cmd, svc, listOrg)
		if err != nil {
			return err
		}
		members, err := allPages(func(cursor string) ([]isms.Member, string, error) {
			return svc.ListMembers(cmd.Context(), acc, isms.MemberFilter{Cursor: cursor, Limit: 200})
		})
		if err != nil {
			return err
		}
		rows := make([][]string, len(members))
		for i, m := range members {
			until := "-"
			if m.ExpiresAt != nil {
				until = m.ExpiresAt.Format(time.DateOnly)
			}
			rows[i] = []string{m.Email, m.Name, string(m.Role), until, m.ID}
		}
		return e.printList(*format, []string{"EMAIL", "NAME", "ROLE", "UNTIL", "MEMBER ID"}, rows, members)
	}

	var pwStdin bool
	passwd := &cobra.Command{
		Use:   "passwd EMAIL --password-stdin",
		Short: "Set an account's password and sign out its sessions",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if !pwStdin {
				return errors.New("give the new password on standard input with --password-stdin")
			}
			password, err := e.readPassword()
			if err != nil {
				return err
			}
			svc, done, err := e.openService(cmd)
			if err != nil {
				return err
			}
			defer done()
			if err := svc.SetPasswordByOperator(cmd.Context(), operator(), args[0], password); err != nil {
				return describe(err)
			}
			fmt.Fprintf(e.io.Out, "password of %s changed; its sessions were signed out\n", args[0])
			return nil
		},
	}
	passwd.Flags().BoolVar(&pwStdin, "password-stdin", false, "read the password from standard input")
	cmd.AddCommand(add, list, passwd, e.disableCmd(true), e.disableCmd(false))
	return cmd
}

// disableCmd makes `user disable` (locking an account out of every
// organisation, for leavers) and `user enable`.
func (e *environment) disableCmd(disable bool) *cobra.Command {
	use, short, done := "enable EMAIL", "Let a disabled account sign in again", "enabled"
	if disable {
		use, short, done = "disable EMAIL", "Lock an account out of every organisation, ending its sessions and tokens", "disabled"
	}
	return &cobra.Command{
		Use:   use,
		Short: short,
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			svc, release, err := e.openService(cmd)
			if err != nil {
				return err
			}
			defer release()
			u, err := svc.SetDisabled(cmd.Context(), operator(), args[0], disable)
			if err != nil {
				return describe(err)
			}
			fmt.Fprintf(e.io.Out, "%s %s\n", done, u.Email)
			return nil
		},
	}
}

func (e *environment) allUsers(cmd *cobra.Command, svc *app.Service) ([]isms.User, error) {
	users := []isms.User{}
	after := ""
	for {
		page, err := svc.DB().ListUsers(cmd.Context(), after, 200)
		if err != nil {
			return nil, err
		}
		users = append(users, page...)
		if len(page) < 200 {
			return users, nil
		}
		after = page[len(page)-1].Email
	}
}

func yesNo(b bool) string {
	if b {
		return "yes"
	}
	return "no"
}

// describe spells out validation problems field by field for the
// terminal.
func describe(err error) error {
	if fields := isms.FieldErrors(err); fields != nil {
		parts := make([]string, len(fields))
		for i, f := range fields {
			parts[i] = f.Field + ": " + f.Detail
		}
		return errors.New(strings.Join(parts, "; "))
	}
	var conflict *isms.ConflictError
	if errors.As(err, &conflict) {
		return errors.New(conflict.Field + " " + conflict.Detail)
	}
	return err
}

func (e *environment) tokenCmd() *cobra.Command {
	cmd := &cobra.Command{Use: "token", Short: "Create, list and revoke API tokens"}
	var (
		userEmail, org, role, name string
		expires                    time.Duration
	)
	create := &cobra.Command{
		Use:   "create --user EMAIL --org SLUG [--role ROLE] [--expires 720h]",
		Short: "Create an API token and print it",
		Long: `Create an API token for a member of an organisation and print it. The token is shown
only now; isms keeps only its hash. Its role defaults to the member's role and may not
exceed it. Use it as 'Authorization: Bearer <token>' against /api/v1/.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			svc, done, err := e.openService(cmd)
			if err != nil {
				return err
			}
			defer done()
			acc, err := openOrg(cmd, svc, org)
			if err != nil {
				return err
			}
			created, err := svc.CreateToken(cmd.Context(), acc, app.TokenInput{Name: name, Role: role, ExpiresIn: expires, UserEmail: userEmail})
			if err != nil {
				return describe(err)
			}
			fmt.Fprintln(e.io.Out, created.Secret)
			fmt.Fprintf(e.io.Err, "token %s for %s in %s, role %s, expires %s\n", created.Token.ID, created.Token.UserEmail, org,
				created.Token.Role, created.Token.ExpiresAt.Format(time.RFC3339))
			return nil
		},
	}
	create.Flags().StringVar(&userEmail, "user", "", "the member the token acts for (required)")
	create.Flags().StringVar(&org, "org", "", "organisation slug (required)")
	create.Flags().StringVar(&role, "role", "", "role of the token (default: the member's role)")
	create.Flags().StringVar(&name, "name", "command line", "a name to recognise the token by")
	create.Flags().DurationVar(&expires, "expires", app.DefaultTokenLifetime, "lifetime, such as 720h")
	_ = create.MarkFlagRequired("user")
	_ = create.MarkFlagRequired("org")

	var listOrg string
	list := &cobra.Command{Use: "list --org SLUG", Short: "List an organisation's API tokens", Args: cobra.NoArgs}
	format := formatFlag(list)
	list.Flags().StringVar(&listOrg, "org", "", "organisation slug (required)")
	_ = list.MarkFlagRequired("org")
	list.RunE = func(cmd *cobra.Command, _ []string) error {
		svc, done, err := e.openService(cmd)
		if err != nil {
			return err
		}
		defer done()
		acc, err := openOrg(cmd, svc, listOrg)
		if err != nil {
			return err
		}
		tokens, err := allPages(func(cursor string) ([]isms.APIToken, string, error) {
			return svc.ListTokens(cmd.Context(), acc, isms.TokenFilter{Cursor: cursor, Limit: 200})
		})
		if err != nil {
			return err
		}
		now := time.Now()
		rows := make([][]string, len(tokens))
		for i, t := range tokens {
			rows[i] = []string{t.ID, t.Name, t.UserEmail, string(t.Role), string(t.Status(now)), t.ExpiresAt.Format(time.DateOnly)}
		}
		return e.printList(*format, []string{"ID", "NAME", "USER", "ROLE", "STATUS", "EXPIRES"}, rows, tokens)
	}

	var revokeOrg string
	revoke := &cobra.Command{
		Use:   "revoke ID --org SLUG",
		Short: "Revoke an API token at once",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			svc, done, err := e.openService(cmd)
			if err != nil {
				return err
			}
			defer done()
			acc, err := openOrg(cmd, svc, revokeOrg)
			if err != nil {
				return err
			}
			t, err := svc.RevokeToken(cmd.Context(), acc, args[0])
			if err != nil {
				return describe(err)
			}
			fmt.Fprintf(e.io.Out, "revoked token %s (%s)\n", t.ID, t.Name)
			return nil
		},
	}
	revoke.Flags().StringVar(&revokeOrg, "org", "", "organisation slug (required)")
	_ = revoke.MarkFlagRequired("org")
	cmd.AddCommand(create, list, revoke)
	return cmd
}
