package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"time"

	"hukou/integrations/scanner"
)

// runScanAgent serves the scanner agent (1.4.14) on loopback until ctx is
// cancelled: `hukou scan-agent --allow-origin https://hukou.example`.
func runScanAgent(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("scan-agent", flag.ContinueOnError)
	listen := fs.String("listen", env("SCAN_AGENT_ADDR", scanner.DefaultAddr), "loopback address to listen on")
	origins := fs.String("allow-origin", env("SCAN_AGENT_ORIGINS", ""), "hukou addresses whose pages may scan, comma-separated (e.g. https://hukou.example)")
	scanimage := fs.String("scanimage", env("SCANIMAGE", "scanimage"), "the scanimage binary (Debian: apt-get install sane-utils)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if err := scanner.CheckLoopback(*listen); err != nil {
		return err
	}
	var allowed []string
	for _, o := range strings.Split(*origins, ",") {
		if o = strings.TrimSpace(o); o != "" {
			allowed = append(allowed, o)
		}
	}
	agent, err := scanner.New(scanner.Config{AllowedOrigins: allowed, Scanimage: *scanimage, Logger: slog.Default()})
	if err != nil {
		return err
	}
	ln, err := net.Listen("tcp", *listen)
	if err != nil {
		return fmt.Errorf("scan agent: %w", err)
	}
	if err := scanner.CheckLoopback(ln.Addr().String()); err != nil {
		ln.Close() // a name such as localhost resolved off loopback
		return err
	}
	srv := &http.Server{Handler: agent, ReadHeaderTimeout: 10 * time.Second, IdleTimeout: time.Minute}
	slog.Info("scan agent listening", "addr", ln.Addr().String(), "origins", allowed)
	fmt.Printf("scan agent: http://%s (for %s)\n", ln.Addr(), strings.Join(allowed, ", "))
	go func() {
		<-ctx.Done()
		shutdown, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
		defer cancel()
		_ = srv.Shutdown(shutdown)
	}()
	if err := srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}
