// Package linttest checks the repository's lint configuration itself: that
// the depguard rules of .golangci.yml really reject the imports STYLE.md §2
// forbids. It has no code of its own.
package linttest

import (
	"bytes"
	"encoding/json"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"testing"

	"github.com/stretchr/testify/require"
)

// fixture is a tiny stand-in module named hukou with the layer folders of the
// real one. Files named bad_* make a forbidden import; every other import is
// one the rules must let through. It imports nothing outside the standard
// library, so it type-checks with no go.sum.
var fixture = map[string]string{
	"go.mod": "module hukou\n\ngo 1.22\n",

	"storage/storage.go":                       "package storage\n",
	"storage/storagetest/st.go":                "package storagetest\n\nimport _ \"hukou/storage\"\n",
	"storage/blob/blob.go":                     "package blob\n\nimport _ \"hukou/domain\"\n",
	"storage/blob/bad_graph.go":                "package blob\n\nimport _ \"hukou/graph\"\n",
	"graph/graph.go":                           "package graph\n\nimport _ \"hukou/domain\"\n",
	"integrations/ministry/c.go":               "package ministry\n\nimport _ \"hukou/domain\"\n",
	"integrations/ministry/bad.go":             "package ministry\n\nimport _ \"hukou/storage\"\n",
	"integrations/ministry/ministrysim/sim.go": "package ministrysim\n\nimport _ \"hukou/integrations/ministry\"\n",

	"domain/domain.go":                "package domain\n\nimport _ \"hukou/domain/codes\"\n",
	"domain/bad_kind.go":              "package domain\n\nimport _ \"hukou/domain/birth\"\n",
	"domain/zz_upward.go":             "package domain\n\nimport _ \"hukou/storage\"\n",
	"domain/engine_test.go":           "package domain_test\n\nimport (\n\t_ \"hukou/domain/birth\"\n\t_ \"hukou/storage/storagetest\"\n)\n",
	"domain/codes/codes.go":           "package codes\n",
	"domain/birth/birth.go":           "package birth\n\nimport _ \"hukou/domain/codes\"\n",
	"domain/population/population.go": "package population\n\nimport _ \"hukou/domain/birth\"\n",
	"domain/population/bad_up.go":     "package population\n\nimport _ \"hukou/integrations/ministry\"\n",

	"resolvers/resolver.go":      "package resolvers\n\nimport (\n\t_ \"hukou/domain\"\n\t_ \"hukou/graph\"\n)\n",
	"resolvers/bad.go":           "package resolvers\n\nimport (\n\t_ \"hukou/integrations/ministry\"\n\t_ \"hukou/storage\"\n)\n",
	"resolvers/resolver_test.go": "package resolvers_test\n\nimport (\n\t_ \"hukou/integrations/ministry/ministrysim\"\n\t_ \"hukou/storage/storagetest\"\n)\n",

	"bench/main.go":     "package main\n\nimport _ \"hukou/resolvers\"\n\nfunc main() {}\n",
	"bench/sim.go":      "package main\n\nimport _ \"hukou/integrations/platform/platformsim\"\n", // the bench drives simulators, as cmd/hukou does
	"cmd/hukou/main.go": "package main\n\nimport (\n\t_ \"hukou/integrations/ministry/ministrysim\"\n\t_ \"hukou/storage/storagetest\"\n)\n\nfunc main() {}\n",
}

// TestDepguard runs the pinned golangci-lint with the repository's
// .golangci.yml over the fixture and requires exactly the forbidden imports
// to be reported, each under the rule that forbids it.
func TestDepguard(t *testing.T) {
	t.Parallel()
	root, err := filepath.Abs(filepath.Join("..", ".."))
	require.NoError(t, err)
	bin := filepath.Join(root, "bin", "golangci-lint")
	if _, err := os.Stat(bin); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("%s is missing: `make lint` installs it", bin)
		}
		t.Skipf("%s is missing: run `make lint` to install it", bin)
	}

	dir := t.TempDir()
	cfg, err := os.ReadFile(filepath.Join(root, ".golangci.yml"))
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(filepath.Join(dir, ".golangci.yml"), cfg, 0o644))
	for name, src := range fixture {
		path := filepath.Join(dir, filepath.FromSlash(name))
		require.NoError(t, os.MkdirAll(filepath.Dir(path), 0o755))
		require.NoError(t, os.WriteFile(path, []byte(src), 0o644))
	}

	reportPath := filepath.Join(t.TempDir(), "report.json")
	cmd := exec.Command(bin, "run", "--enable-only=depguard", "--max-issues-per-linter=0", "--max-same-issues=0",
		"--show-stats=false", "--output.json.path="+reportPath, "--output.text.path=stderr", "./...")
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "GOWORK=off", "GOFLAGS=-mod=mod", "GOTOOLCHAIN=local")
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	err = cmd.Run()
	var exit *exec.ExitError
	if err != nil && (!errors.As(err, &exit) || exit.ExitCode() != 1) { // 1: issues found
		t.Fatalf("golangci-lint: %v\n%s", err, stderr.Bytes())
	}
	out, err := os.ReadFile(reportPath)
	require.NoError(t, err)

	var report struct {
		Issues []struct {
			FromLinter string
			Text       string
			Pos        struct{ Filename string }
		}
	}
	require.NoError(t, json.Unmarshal(out, &report), "%s", out)
	textRE := regexp.MustCompile(`^import '([^']+)' is not allowed from list '([^']+)'`)
	var got []string
	for _, is := range report.Issues {
		require.Equal(t, "depguard", is.FromLinter, is.Text)
		m := textRE.FindStringSubmatch(is.Text)
		require.NotNil(t, m, "unexpected depguard message: %s", is.Text)
		got = append(got, filepath.ToSlash(is.Pos.Filename)+" "+m[1]+" "+m[2])
	}
	slices.Sort(got)
	require.Equal(t, []string{
		"domain/bad_kind.go hukou/domain/birth domain-engine",
		"domain/population/bad_up.go hukou/integrations/ministry domain",
		"domain/zz_upward.go hukou/storage domain",
		"integrations/ministry/bad.go hukou/storage integrations",
		"resolvers/bad.go hukou/integrations/ministry resolvers",
		"resolvers/bad.go hukou/storage resolvers",
		"storage/blob/bad_graph.go hukou/graph storage",
	}, got)
}
