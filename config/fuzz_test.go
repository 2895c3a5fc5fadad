package config

import (
	"strings"
	"testing"
)

// FuzzParse feeds arbitrary bytes through parsing, merging and building
// with several sets of overrides: nothing may panic, and a Config without
// problems always has a server and a namespace.
// Run with: go test ./config/ -run '^$' -fuzz FuzzParse -fuzztime 30s
func FuzzParse(f *testing.F) {
	f.Add([]byte(basic))
	f.Add([]byte(withCtx(okServer+"proxy-url: socks5://p:1\nextensions:\n- name: client.authentication.k8s.io/exec\n  extension: {a: [1, 2.5, x]}\n",
		"exec: {apiVersion: client.authentication.k8s.io/v1, command: c, interactiveMode: Never, env: [{name: a, value: b}]}\n")))
	f.Add([]byte(`{"current-context":"c","clusters":[{"name":"k","cluster":{"server":"https:\/\/j"}}],"contexts":[{"name":"c","context":{"cluster":"k"}}]}`))
	f.Add([]byte("a: &x [*x]\nclusters: &c [{name: k, cluster: {<<: *c}}]\n"))
	f.Add([]byte("current-context: c\nclusters:\n- name: [k\n"))
	f.Add([]byte("users:\n- name: u\n  user: {as-user-extra: {a: [b]}, auth-provider: {name: gcp}}\n"))
	f.Add([]byte(""))
	overrides := []Options{{}, {Context: "c"}, {Cluster: "k", User: "u"}, {Server: "k:1", Namespace: "n"}}
	f.Fuzz(func(t *testing.T, data []byte) {
		for _, o := range overrides {
			var ps problems
			kf := parseFile(data, "/fuzz/kubeconfig", "fuzz", &ps)
			if kf.broken {
				if ps.err() == nil {
					t.Fatal("a broken file without a problem")
				}
				_ = ps.err().Error()
				return
			}
			b := &builder{opts: o, m: merge([]*kfile{kf}), ps: &ps, src: &Source{Method: MethodKubeconfig}}
			cfg, selected := b.build()
			if err := ps.err(); err != nil {
				if strings.TrimSpace(err.Error()) == "" {
					t.Fatal("empty error message")
				}
				continue
			}
			if !selected {
				continue
			}
			if cfg.Server == "" || cfg.Namespace == "" {
				t.Fatalf("selected config without server or namespace: %+v", cfg)
			}
			_ = Explain(cfg)
		}
	})
}
