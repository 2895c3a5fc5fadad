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

// FuzzEdit feeds arbitrary bytes to ParseKubeconfig and, when they parse,
// changes every kind of entry: nothing may panic, and what Bytes returns
// parses again with the changes in it.
// Run with: go test ./config/ -run '^$' -fuzz FuzzEdit -fuzztime 30s
func FuzzEdit(f *testing.F) {
	f.Add([]byte(basic))
	f.Add([]byte(`{"clusters":[{"name":"k","cluster":{"server":"https:\/\/j","x":1}}]}`))
	f.Add([]byte("a: &x [*x]\nclusters: &c [{name: k, cluster: {<<: *c}}]\n"))
	f.Add([]byte("users: [{name: u, user: {auth-provider: {name: oidc, config: {id-token: a}}, exec: {command: c, env: [{name: a, value: b}]}}]}\n"))
	f.Add([]byte("clusters: [{name: k, cluster: [1]}]\ncontexts: 3\n"))
	f.Add([]byte(""))
	f.Fuzz(func(t *testing.T, data []byte) {
		k, err := ParseKubeconfig(data)
		if err != nil {
			if strings.TrimSpace(err.Error()) == "" {
				t.Fatal("empty error message")
			}
			return
		}
		errs := []error{
			k.SetCluster("k", func(c *Cluster) { c.SetServer("https://fuzz") }),
			k.SetUser("u", func(u *User) {
				u.SetToken("tok")
				if u.AuthProvider != nil {
					u.AuthProvider.Config["id-token"] = "new"
				}
			}),
			k.SetContext("c", func(c *Context) { c.Namespace = "ns" }),
		}
		_ = k.UseContext("c")
		_ = k.DeleteCluster("other")
		out, err := k.Bytes()
		if err != nil {
			return
		}
		k2, err := ParseKubeconfig(out)
		if err != nil {
			t.Fatalf("the written document does not parse: %v\n%s", err, out)
		}
		if errs[0] == nil {
			if c, ok, err := k2.Cluster("k"); err != nil || !ok || c.Server != "https://fuzz" {
				t.Fatalf("the change is lost: %v %v %+v\n%s", ok, err, c, out)
			}
		}
	})
}
