// Command corpus builds the manifest corpus that measures how closely the
// fake server stores what kube-apiserver stores (docs/fake.md, "Agreement
// on public manifests"). The manifests are public examples the project did
// not write; they are kept outside the repository (by default in
// ~/.cache/kubewire/corpus) and never committed.
//
// Each argument names a git directory (a bare clone or the snapshot the
// search tool's fetch brings) and, after a colon, the folder to take the
// manifests from ("" for the whole tree):
//
//	go run ./cmd/corpus -out ~/.cache/kubewire/corpus \
//	    /work/.mirror/kubernetes+examples/repo: \
//	    /work/.mirror/GoogleCloudPlatform+kubernetes-engine-samples/repo:
//
// It takes every .yaml or .yml file of HEAD whose documents are all
// Kubernetes objects (apiVersion, kind, and metadata with a name), without
// template markers ("{{"), and writes it to OUT/OWNER+NAME/PATH with "/"
// in PATH replaced by "__". OUT/SOURCES lists each repository's commit and
// the number of files taken. The selection depends only on the commit, so
// the same snapshots give the same corpus.
package main

import (
	"bytes"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"

	yaml "go.yaml.in/yaml/v3"
)

func main() {
	home, _ := os.UserHomeDir()
	out := flag.String("out", filepath.Join(home, ".cache", "kubewire", "corpus"), "directory to write the corpus to (replaced)")
	flag.Parse()
	if flag.NArg() == 0 {
		fmt.Fprintln(os.Stderr, "usage: corpus [-out DIR] GITDIR:FOLDER ...")
		os.Exit(2)
	}
	if err := run(*out, flag.Args()); err != nil {
		fmt.Fprintln(os.Stderr, "corpus:", err)
		os.Exit(1)
	}
}

func run(out string, specs []string) error {
	if err := os.RemoveAll(out); err != nil {
		return err
	}
	var sources strings.Builder
	total := 0
	for _, spec := range specs {
		gitDir, folder, _ := strings.Cut(spec, ":")
		commit, err := git(gitDir, "rev-parse", "HEAD")
		if err != nil {
			return err
		}
		remote := repoName(gitDir)
		args := []string{"ls-tree", "-r", "--name-only", "HEAD"}
		if folder != "" {
			args = append(args, "--", folder)
		}
		paths, err := git(gitDir, args...)
		if err != nil {
			return err
		}
		dir := filepath.Join(out, remote)
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return err
		}
		n := 0
		list := strings.Split(strings.TrimSpace(paths), "\n")
		sort.Strings(list)
		for _, p := range list {
			if !strings.HasSuffix(p, ".yaml") && !strings.HasSuffix(p, ".yml") {
				continue
			}
			body, err := git(gitDir, "show", "HEAD:"+p)
			if err != nil {
				return err
			}
			if !isManifest([]byte(body)) {
				continue
			}
			name := strings.ReplaceAll(p, "/", "__")
			if err := os.WriteFile(filepath.Join(dir, name), []byte(body), 0o644); err != nil {
				return err
			}
			n++
		}
		total += n
		fmt.Fprintf(&sources, "%s %s %s %d\n", remote, strings.TrimSpace(commit), folder, n)
	}
	fmt.Fprintf(os.Stderr, "corpus: %d files in %s\n", total, out)
	return os.WriteFile(filepath.Join(out, "SOURCES"), []byte(sources.String()), 0o644)
}

// repoName is OWNER+NAME for a snapshot directory
// (/work/.mirror/OWNER+NAME/repo), else the directory's base name.
func repoName(gitDir string) string {
	d := filepath.Clean(gitDir)
	if filepath.Base(d) == "repo" {
		d = filepath.Dir(d)
	}
	return strings.TrimSuffix(filepath.Base(d), ".git")
}

func git(gitDir string, args ...string) (string, error) {
	cmd := exec.Command("git", append([]string{"--git-dir", gitDir}, args...)...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	b, err := cmd.Output()
	if err != nil {
		return "", fmt.Errorf("git %s: %v: %s", strings.Join(args, " "), err, stderr.String())
	}
	return string(b), nil
}

// isManifest reports whether every document of body is a Kubernetes
// object with a name, and there is at least one.
func isManifest(body []byte) bool {
	if bytes.Contains(body, []byte("{{")) {
		return false
	}
	dec := yaml.NewDecoder(bytes.NewReader(body))
	n := 0
	for {
		var doc map[string]any
		err := dec.Decode(&doc)
		if errors.Is(err, io.EOF) {
			return n > 0
		}
		if err != nil {
			return false
		}
		if doc == nil {
			continue
		}
		api, _ := doc["apiVersion"].(string)
		kind, _ := doc["kind"].(string)
		md, _ := doc["metadata"].(map[string]any)
		name, _ := md["name"].(string)
		if api == "" || kind == "" || name == "" {
			return false
		}
		n++
	}
}
