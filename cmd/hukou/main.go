// Command hukou is the one binary of the population information system:
// serve the API, migrate the database, seed a synthetic population, and run
// the all-in-one demo. It is the only package that wires everything together.
package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"os/signal"
	"syscall"
)

const usage = `hukou — population information system (cross-province household registration)

Usage:
  hukou serve [--dev]      serve GraphQL, files, health and the SPA; metrics on METRICS_ADDR;
                           --dev: simulators, development keys, GraphiQL and introspection
  hukou demo [--single]    two deployments (Panjin :8080, Shijiazhuang :8081) sharing in-process simulators,
                           each migrated and seeded when empty, logins for every role printed (--dev)
  hukou migrate up|down|status
  hukou seed [--residents N] [--division 211100] [--seed S] [--demo-users]
  hukou seed cases [--n N] [--seed S]   a deterministic case population (every kind, both sides)
  hukou simulate           serve the province and platform simulators on one port
  hukou hcybsh generate [--batch 50000] [--restart]   number residents without hcybsh (resumable)
  hukou keygen             print a new collaboration signing key and its peer directory entry
  hukou verify FILE.pdf    verify a document's electronic seals (SM2/SM3) against the e-seal service (PROVINCE_URL)
  hukou scan-agent --allow-origin https://hukou.example [--listen 127.0.0.1:9192]
                           the clerk PC's scanner agent: drives SANE's scanimage for the SPA (1.4.14)

Without --dev, serve refuses to start unless COLLAB_SIGNING_KEY, the peer keys
(COLLAB_PEERS_FILE or COLLAB_PEER_KEYS), JWT_SECRET or JWT_ED25519_KEY, and
MINISTRY_URL, PROVINCE_URL, PLATFORM_URL are set. demo implies --dev.

Configuration comes from environment variables, overridden by flags
(see README.md): DATABASE_URL, REPLICA_DATABASE_URL, BLOB_URL, LISTEN_ADDR, OFFICE_CODE, JWT_SECRET,
JWT_ED25519_KEY, JWT_ISSUER, ACCESS_TOKEN_TTL, REFRESH_TOKEN_TTL, PROVINCE_URL,
PLATFORM_URL, PLATFORM_DB, COLLAB_SIGNING_KEY, COLLAB_SIGNING_KEY_ID,
COLLAB_PEERS_FILE, COLLAB_PEER_KEYS, COLLAB_REVOKED_KEYS, INBOX_POLL_INTERVAL,
METRICS_ADDR, HUKOU_DEV, SEAL_KEY_DIR, SEALS_REQUIRED.
`

func main() {
	slog.SetDefault(slog.New(slog.NewJSONHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelInfo})))
	os.Exit(run())
}

// run runs the command named by os.Args[1] and returns the exit status, so
// that its deferred calls run before main exits.
func run() int {
	if len(os.Args) < 2 {
		fmt.Fprint(os.Stderr, usage)
		return 2
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	var err error
	switch cmd, args := os.Args[1], os.Args[2:]; cmd {
	case "serve":
		err = runServe(ctx, args)
	case "demo":
		err = runDemo(ctx, args)
	case "migrate":
		err = runMigrate(ctx, args)
	case "seed":
		err = runSeed(ctx, args)
	case "simulate":
		err = runSimulate(ctx, args)
	case "hcybsh":
		err = runHcybsh(ctx, args)
	case "keygen":
		err = runKeygen(ctx, args)
	case "verify":
		err = runVerify(ctx, args, os.Stdout)
		switch {
		case errors.Is(err, errInvalidDocument):
			return 1
		case errors.Is(err, errUsage):
			return 2
		}
	case "scan-agent":
		err = runScanAgent(ctx, args)
	case "help", "-h", "--help":
		fmt.Print(usage)
	default:
		fmt.Fprintf(os.Stderr, "unknown command %q\n\n%s", cmd, usage)
		return 2
	}
	if err != nil && !errors.Is(err, context.Canceled) {
		fmt.Fprintln(os.Stderr, "hukou:", err)
		return 1
	}
	return 0
}
