package domain_test

import (
	"encoding/json"
	"os/exec"
	"strings"
	"testing"
)

// TestImportDirection enforces STYLE.md §2: domain (and its sub-packages)
// import only the standard library, their own module's domain packages and
// small leaf libraries; never bun, gqlgen, River, AWS, JWT or HTTP clients.
// Outer layers may import inner ones, never the reverse.
func TestImportDirection(t *testing.T) {
	t.Parallel()
	rules := map[string][]string{ // package pattern → allowed non-stdlib import prefixes
		"hukou/domain/...":  {"hukou/domain", "github.com/google/uuid", "golang.org/x/crypto/bcrypt", "golang.org/x/crypto/blowfish", "github.com/disintegration/imaging"},
		"hukou/storage/...": {"hukou/domain", "hukou/storage", "github.com/uptrace/bun", "github.com/lib/pq", "github.com/riverqueue/", "github.com/aws/", "github.com/prometheus/", "modernc.org/", "github.com/"},
		"hukou/resolvers":   {"hukou/domain", "hukou/graph", "github.com/99designs/gqlgen", "github.com/vektah/gqlparser", "github.com/golang-jwt/jwt", "github.com/vikstrous/dataloadgen", "github.com/prometheus/"},
		"hukou/graph/...":   {"hukou/domain", "hukou/graph", "github.com/99designs/gqlgen", "github.com/vektah/gqlparser"},
	}
	for pattern, allowed := range rules {
		out, err := exec.Command("go", "list", "-json=ImportPath,Imports,Standard", pattern).Output()
		if err != nil {
			t.Fatalf("go list %s: %v", pattern, err)
		}
		dec := json.NewDecoder(strings.NewReader(string(out)))
		for dec.More() {
			var p struct {
				ImportPath string
				Imports    []string
			}
			if err := dec.Decode(&p); err != nil {
				t.Fatal(err)
			}
			for _, imp := range p.Imports {
				if !strings.Contains(strings.SplitN(imp, "/", 2)[0], ".") && !strings.HasPrefix(imp, "hukou/") {
					continue // standard library
				}
				if strings.HasPrefix(p.ImportPath, "hukou/storage") && strings.HasPrefix(imp, "hukou/") &&
					!strings.HasPrefix(imp, "hukou/domain") && !strings.HasPrefix(imp, "hukou/storage") {
					t.Errorf("%s imports %s: storage may import only domain and storage", p.ImportPath, imp)
					continue
				}
				if !hasAnyPrefix(imp, allowed) {
					t.Errorf("%s imports %s, outside its layer's allowed imports %v", p.ImportPath, imp, allowed)
				}
			}
		}
	}
}

func hasAnyPrefix(s string, prefixes []string) bool {
	for _, p := range prefixes {
		if strings.HasPrefix(s, p) {
			return true
		}
	}
	return false
}
