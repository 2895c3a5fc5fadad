//go:build integration

package integration

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/kubewire/kubewire/config"
	"github.com/kubewire/kubewire/internal/testenv"
	"github.com/kubewire/kubewire/rest"
)

// tableColumnsFile is the fake's recording of the real column definitions.
const tableColumnsFile = "../../fake/tablecolumns.json"

// TestTableColumnsData compares fake/tablecolumns.json with the Table
// column definitions of every built-in resource a fresh kube-apiserver
// serves (every served group-version, every resource with list). With
// KUBEWIRE_WRITE_TABLE_COLUMNS=1 it rewrites the file instead.
func TestTableColumnsData(t *testing.T) {
	// A fresh server: the shared one serves other tests' custom resources.
	env := freshServer(t)
	ctx, cancel := context.WithTimeout(t.Context(), 2*time.Minute)
	defer cancel()
	cfg, err := config.LoadFile(env.Kubeconfig(testenv.IdentityAdminToken), config.Options{})
	require.NoError(t, err)
	rc, err := rest.New(cfg, rest.WithMaxRetries(0))
	require.NoError(t, err)

	got := realTableColumns(ctx, t, rc)
	b, err := json.MarshalIndent(got, "", "  ")
	require.NoError(t, err)
	b = append(b, '\n')
	if os.Getenv("KUBEWIRE_WRITE_TABLE_COLUMNS") == "1" {
		require.NoError(t, os.WriteFile(tableColumnsFile, b, 0o644))
		t.Logf("wrote %s: %d resources", filepath.Clean(tableColumnsFile), len(got))
		return
	}
	want, err := os.ReadFile(tableColumnsFile)
	require.NoError(t, err)
	if !bytes.Equal(want, b) {
		t.Errorf("fake/tablecolumns.json is stale; regenerate with KUBEWIRE_WRITE_TABLE_COLUMNS=1:\n%s", lineDiff(string(want), string(b)))
	}
}

// tableColumnDef is one recorded column definition.
type tableColumnDef struct {
	Name        string `json:"name"`
	Type        string `json:"type"`
	Format      string `json:"format"`
	Description string `json:"description"`
	Priority    int64  `json:"priority"`
}

// realTableColumns asks the server for an empty-or-not list of every
// listable built-in resource as a Table and returns its column
// definitions by group-version and resource ("v1/pods", "apps/v1/deployments").
func realTableColumns(ctx context.Context, t *testing.T, rc *rest.Client) map[string][]tableColumnDef {
	t.Helper()
	type apiResource struct {
		Name  string   `json:"name"`
		Verbs []string `json:"verbs"`
	}
	type resourceList struct {
		Resources []apiResource `json:"resources"`
	}
	var gvs []string
	var core struct {
		Versions []string `json:"versions"`
	}
	require.NoError(t, rc.Get().AbsPath("/api").Into(ctx, &core))
	for _, v := range core.Versions {
		gvs = append(gvs, "/api/"+v)
	}
	var groups struct {
		Groups []struct {
			Versions []struct {
				GroupVersion string `json:"groupVersion"`
			} `json:"versions"`
		} `json:"groups"`
	}
	require.NoError(t, rc.Get().AbsPath("/apis").Into(ctx, &groups))
	for _, g := range groups.Groups {
		for _, v := range g.Versions {
			gvs = append(gvs, "/apis/"+v.GroupVersion)
		}
	}
	out := map[string][]tableColumnDef{}
	for _, gv := range gvs {
		var rl resourceList
		require.NoError(t, rc.Get().AbsPath(gv).Into(ctx, &rl))
		key := strings.TrimPrefix(strings.TrimPrefix(gv, "/api/"), "/apis/")
		for _, r := range rl.Resources {
			if strings.Contains(r.Name, "/") || !hasString(r.Verbs, "list") {
				continue
			}
			res := rc.Get().AbsPath(gv, r.Name).Header("Accept", tableAccept).Param("limit", "1").Do(ctx)
			raw, err := res.Raw()
			require.NoError(t, err, "%s/%s", gv, r.Name)
			var tbl struct {
				Kind    string           `json:"kind"`
				Columns []tableColumnDef `json:"columnDefinitions"`
			}
			require.NoError(t, json.Unmarshal(raw, &tbl))
			require.Equal(t, "Table", tbl.Kind, "%s/%s", gv, r.Name)
			out[key+"/"+r.Name] = tbl.Columns
		}
	}
	return out
}

func hasString(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
