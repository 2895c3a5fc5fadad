// Command gen generates kubewire's API packages from the Kubernetes
// OpenAPI v3 spec: one package per group/version under api/ (types with
// reflection-free JSON decoders and encoders, and resource descriptors),
// plus the API machinery types in api/metav1. Clients are not generated:
// typed.For builds one from a kind's Go type.
//
// Usage, from anywhere in the module:
//
//	go run ./internal/gen            # regenerate api/
//	go run ./internal/gen -check     # fail if the committed output is stale
//
// Flags:
//
//	-spec DIR   the directory of *_openapi.json files
//	            (default ../shared/openapi/v1.37.2/v3 relative to the module root)
//	-out DIR    the api/ directory (default api under the module root)
//	-pkg PATH   the import path of -out (default github.com/kubewire/kubewire/api)
//	-only LIST  the packages to write, comma-separated (default all); the
//	            packages they import must be among them, except metav1
//	-check      compare instead of writing; exit 1 listing stale files
//
// When metav1 is not written it is imported from api/metav1, whose types
// are partly hand-written. That is how a package set of another spec
// version is made for version-skew tests, for example:
//
//	go run ./internal/gen -spec ../shared/openapi/v1.32.4/v3 -out internal/integration/skew132 \
//	    -pkg github.com/kubewire/kubewire/internal/integration/skew132 -only corev1,appsv1
//
// Besides the spec it reads two files of facts about Kubernetes' own Go
// types (embedded), which the spec does not state: apifacts.txt, how they
// hold each scalar field, pointer or value; and apiconsts.txt, their named
// string types (Protocol, PodPhase), those types' constants (ProtocolTCP)
// and the fields that hold them. Refresh them from k8s.io/api with `go run
// ./cmd/apifacts > ../internal/gen/apifacts.txt` and `go run ./cmd/apiconsts
// > ../internal/gen/apiconsts.txt` in bench/, the module allowed to import it.
//
// Output is deterministic: everything is emitted in sorted order.
package main

import (
	"bytes"
	"errors"
	"flag"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"sort"
	"strings"
)

func main() {
	root, err := moduleRoot()
	if err != nil {
		fatal(err)
	}
	specDir := flag.String("spec", filepath.Join(root, "..", "shared", "openapi", "v1.37.2", "v3"), "directory of the OpenAPI v3 spec files")
	outDir := flag.String("out", filepath.Join(root, "api"), "the api/ directory to generate into")
	prefix := flag.String("pkg", modulePath+"/api", "the import path of the -out directory")
	only := flag.String("only", "", "the packages to write, comma-separated (default all)")
	check := flag.Bool("check", false, "fail if the generated files are stale instead of writing them")
	flag.Parse()

	tg := &target{prefix: *prefix, apiDir: filepath.Join(root, "api")}
	if *only != "" {
		tg.only = map[string]bool{}
		for _, name := range strings.Split(*only, ",") {
			tg.only[strings.TrimSpace(name)] = true
		}
	}
	files, err := generate(*specDir, *outDir, tg)
	if err != nil {
		fatal(err)
	}
	stale, err := sync(*outDir, files, tg, !*check)
	if err != nil {
		fatal(err)
	}
	if *check && len(stale) > 0 {
		fmt.Fprintf(os.Stderr, "gen: %d generated files are stale; run go generate ./api:\n", len(stale))
		for _, s := range stale {
			fmt.Fprintln(os.Stderr, "\t"+s)
		}
		os.Exit(1)
	}
}

func fatal(err error) {
	fmt.Fprintln(os.Stderr, "gen:", err)
	os.Exit(1)
}

// moduleRoot returns the nearest directory at or above the working
// directory that holds go.mod.
func moduleRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", errors.New("go.mod not found above the working directory")
		}
		dir = parent
	}
}

// target is where a package set is written.
type target struct {
	// prefix is the import path of the output directory.
	prefix string
	// only are the packages written; nil for all.
	only map[string]bool
	// apiDir is the module's api/ directory, where metav1 is imported
	// from when it is not written.
	apiDir string
	// meta is the import path of metav1.
	meta string
}

// writes reports whether package name is written.
func (tg *target) writes(name string) bool { return tg.only == nil || tg.only[name] }

// defaultTarget is api/ under the module root at root.
func defaultTarget(root string) *target {
	return &target{prefix: modulePath + "/api", apiDir: filepath.Join(root, "api")}
}

// generate returns the content of every generated file of the packages tg
// writes, by path relative to outDir.
func generate(specDir, outDir string, tg *target) (map[string][]byte, error) {
	sp, err := loadSpec(specDir)
	if err != nil {
		return nil, err
	}
	hand, err := handwrittenTypes(outDir)
	if err != nil {
		return nil, err
	}
	tg.meta = tg.prefix + "/" + metaPkg
	if !tg.writes(metaPkg) {
		// Imported from api/metav1, with its hand-written types.
		tg.meta = modulePath + "/api/" + metaPkg
		names, err := declaredTypes(filepath.Join(tg.apiDir, metaPkg))
		if err != nil {
			return nil, err
		}
		hand[metaPkg] = names
	}
	m, err := build(sp, hand)
	if err != nil {
		return nil, err
	}
	if err := checkCycles(m); err != nil {
		return nil, err
	}
	for name := range tg.only {
		if m.pkgs[name] == nil {
			return nil, fmt.Errorf("-only: the spec has no package %s", name)
		}
	}
	files := map[string][]byte{}
	if tg.only == nil && tg.prefix == modulePath+"/api" {
		reg, err := emitRegistry(m, tg)
		if err != nil {
			return nil, err
		}
		files[registryPath] = reg
	}
	for _, name := range sortedKeys(m.pkgs) {
		p := m.pkgs[name]
		p.target = tg
		if !tg.writes(name) {
			continue
		}
		for _, dep := range sortedKeys(p.imports) {
			if p.imports[dep] && dep != metaPkg && !tg.writes(dep) {
				return nil, fmt.Errorf("-only: %s imports %s, which is not written", name, dep)
			}
		}
		var doc bytes.Buffer
		if p.name != metaPkg {
			gv := p.groupVersion()
			fmt.Fprintf(&doc, "// Package %s holds the types of the Kubernetes API %s, their JSON\n", p.name, gv)
			fmt.Fprintf(&doc, "// codecs and resource descriptors. It links no client: typed.For serves them.\n")
		}
		types := emitTypes(p)
		var fixed []string
		if bytes.Contains(types, []byte("jsonwire.")) {
			fixed = append(fixed, "jsonwire")
		}
		if bytes.Contains(types, []byte("protowire.")) {
			fixed = append(fixed, "protowire")
		}
		out, err := fileWithUses(doc.String(), p, fixed, types)
		if err != nil {
			return nil, err
		}
		files[filepath.Join(p.name, "zz_generated_types.go")] = out
		codec := emitCodec(m, p)
		out, err = fileWithUses("", p, []string{"jsoniter", "jsonwire"}, codec)
		if err != nil {
			return nil, err
		}
		files[filepath.Join(p.name, "zz_generated_codec.go")] = out
		proto, err := emitProto(m, p)
		if err != nil {
			return nil, err
		}
		if len(proto) > 0 {
			out, err = fileWithUses("", p, []string{"protowire"}, proto)
			if err != nil {
				return nil, err
			}
			files[filepath.Join(p.name, "zz_generated_proto.go")] = out
			if out, err = emitProtoTest(p); err != nil {
				return nil, err
			}
			if out != nil {
				files[filepath.Join(p.name, "zz_generated_proto_test.go")] = out
			}
		}
		out, err = emitCodecTest(p)
		if err != nil {
			return nil, err
		}
		files[filepath.Join(p.name, "zz_generated_codec_test.go")] = out
		if err := addDeepCopy(files, m, p); err != nil {
			return nil, err
		}
		res, imports, err := emitResources(p)
		if err != nil {
			return nil, err
		}
		if res != nil {
			out, err := file(p.name, imports, res)
			if err != nil {
				return nil, err
			}
			files[filepath.Join(p.name, "zz_generated_resources.go")] = out
		}
		consts, err := emitConstants(p)
		if err != nil {
			return nil, err
		}
		if consts != nil {
			out, err := fileWithUses("", p, nil, consts)
			if err != nil {
				return nil, err
			}
			files[filepath.Join(p.name, "zz_generated_constants.go")] = out
		}
	}
	return files, nil
}

// addDeepCopy adds p's deep copy methods and their test to files.
func addDeepCopy(files map[string][]byte, m *model, p *pkg) error {
	body, err := emitDeepCopy(m, p)
	if err != nil {
		return err
	}
	var fixed []string
	if bytes.Contains(body, []byte("deepcopy.")) {
		fixed = []string{"deepcopy"}
	}
	out, err := fileWithUses("", p, fixed, body)
	if err != nil {
		return err
	}
	files[filepath.Join(p.name, "zz_generated_deepcopy.go")] = out
	if out, err = emitDeepCopyTest(p); err != nil || out == nil {
		return err
	}
	files[filepath.Join(p.name, "zz_generated_deepcopy_test.go")] = out
	return nil
}

// fileWithUses formats body as a file of p, importing the fixed packages
// and those of p's imports that body refers to.
func fileWithUses(doc string, p *pkg, fixed []string, body []byte) ([]byte, error) {
	var imports []string
	for _, name := range fixed {
		imports = append(imports, p.importLine(name))
	}
	for _, name := range sortedKeys(p.imports) {
		if p.imports[name] && name != p.name && bytes.Contains(body, []byte(name+".")) {
			imports = append(imports, p.importLine(name))
		}
	}
	out, err := file(p.name, imports, body)
	if err != nil || doc == "" {
		return out, err
	}
	return append([]byte(strings.Replace(string(out), "package ", doc+"package ", 1)), nil...), nil
}

// handwrittenTypes returns, by package name, the types declared by hand in
// the packages under outDir: the generator leaves those out and uses them.
func handwrittenTypes(outDir string) (map[string]map[string]bool, error) {
	out := map[string]map[string]bool{}
	dirs, err := os.ReadDir(outDir)
	if errors.Is(err, os.ErrNotExist) {
		return out, nil
	}
	if err != nil {
		return nil, err
	}
	for _, d := range dirs {
		if !d.IsDir() || d.Name() == "internal" {
			continue
		}
		names, err := declaredTypes(filepath.Join(outDir, d.Name()))
		if err != nil {
			return nil, err
		}
		out[d.Name()] = names
	}
	return out, nil
}

// declaredTypes returns the type names declared by hand in dir: in its .go
// files other than tests and generated ones.
func declaredTypes(dir string) (map[string]bool, error) {
	names := map[string]bool{}
	fset := token.NewFileSet()
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, err
	}
	for _, e := range entries {
		n := e.Name()
		if !strings.HasSuffix(n, ".go") || strings.HasSuffix(n, "_test.go") || strings.HasPrefix(n, "zz_generated") {
			continue
		}
		f, err := parser.ParseFile(fset, filepath.Join(dir, n), nil, parser.SkipObjectResolution)
		if err != nil {
			return nil, err
		}
		for _, d := range f.Decls {
			if g, ok := d.(*ast.GenDecl); ok && g.Tok == token.TYPE {
				for _, s := range g.Specs {
					names[s.(*ast.TypeSpec).Name.Name] = true
				}
			}
		}
	}
	return names, nil
}

// checkCycles fails when generated packages would import each other in a
// cycle.
func checkCycles(m *model) error {
	state := map[string]int{}
	var visit func(string, []string) error
	visit = func(name string, path []string) error {
		switch state[name] {
		case 1:
			return fmt.Errorf("import cycle: %s", strings.Join(append(path, name), " -> "))
		case 2:
			return nil
		}
		state[name] = 1
		for _, dep := range sortedKeys(m.pkgs[name].imports) {
			if dep != name && m.pkgs[name].imports[dep] {
				if err := visit(dep, append(path, name)); err != nil {
					return err
				}
			}
		}
		state[name] = 2
		return nil
	}
	for _, name := range sortedKeys(m.pkgs) {
		if err := visit(name, nil); err != nil {
			return err
		}
	}
	return nil
}

// sync writes files under outDir (when write is set) and removes generated
// files that are no longer produced, in the packages tg writes. It returns
// the files that differed.
func sync(outDir string, files map[string][]byte, tg *target, write bool) ([]string, error) {
	var stale []string
	existing, err := filepath.Glob(filepath.Join(outDir, "*", "zz_generated_*.go"))
	if err != nil {
		return nil, err
	}
	for _, path := range existing {
		rel, _ := filepath.Rel(outDir, path)
		if _, ok := files[rel]; ok || !tg.writes(filepath.Dir(rel)) {
			continue
		}
		stale = append(stale, rel+" (obsolete)")
		if write {
			if err := os.Remove(path); err != nil {
				return nil, err
			}
			// A package no longer served goes whole; one with files of
			// its own stays.
			if left, err := os.ReadDir(filepath.Dir(path)); err == nil && len(left) == 0 {
				if err := os.Remove(filepath.Dir(path)); err != nil {
					return nil, err
				}
			}
		}
	}
	for _, rel := range sortedKeys(files) {
		path := filepath.Join(outDir, rel)
		old, err := os.ReadFile(path)
		if err == nil && bytes.Equal(old, files[rel]) {
			continue
		}
		stale = append(stale, rel)
		if write {
			if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
				return nil, err
			}
			if err := os.WriteFile(path, files[rel], 0o644); err != nil {
				return nil, err
			}
		}
	}
	sort.Strings(stale)
	return stale, nil
}
