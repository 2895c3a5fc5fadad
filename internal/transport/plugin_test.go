package transport

import (
	"bufio"
	"encoding/json"
	"fmt"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/kubewire/kubewire/config"
)

// The test binary is its own exec credential plugin. TestMain calls
// runTestPlugin when KUBEWIRE_TEST_PLUGIN names a mode:
//
//	token  print an ExecCredential: token PLUGIN_TOKEN-N (N counts runs),
//	       client certificate PLUGIN_CERT_N/PLUGIN_KEY_N or PLUGIN_CERT/PLUGIN_KEY,
//	       expirationTimestamp PLUGIN_EXPIRY
//	stdin  like token, but when interactive the token is a line read from stdin
//	raw    print PLUGIN_OUTPUT verbatim
//	fail   write a long stderr holding PLUGIN_SECRET, exit 3
//	hang   sleep for a minute
//
// In every mode it appends a line to PLUGIN_COUNT_FILE, writes
// KUBERNETES_EXEC_INFO to PLUGIN_INFO_FILE and its environment to
// PLUGIN_ENV_FILE, and first sleeps PLUGIN_DELAY.
func runTestPlugin(mode string) int {
	info := os.Getenv("KUBERNETES_EXEC_INFO")
	if f := os.Getenv("PLUGIN_INFO_FILE"); f != "" {
		_ = os.WriteFile(f, []byte(info), 0o600)
	}
	if f := os.Getenv("PLUGIN_ENV_FILE"); f != "" {
		_ = os.WriteFile(f, []byte(strings.Join(os.Environ(), "\n")), 0o600)
	}
	n := 0
	if f := os.Getenv("PLUGIN_COUNT_FILE"); f != "" {
		n = appendCount(f)
	}
	if d, err := time.ParseDuration(os.Getenv("PLUGIN_DELAY")); err == nil {
		time.Sleep(d)
	}

	switch mode {
	case "fail":
		secret := os.Getenv("PLUGIN_SECRET")
		fmt.Fprint(os.Stderr, "boom: "+secret+" "+strings.Repeat("x", maxExecStderr-20)+secret+strings.Repeat("y", 5000))
		return 3
	case "hang":
		time.Sleep(time.Minute)
		return 0
	case "raw":
		fmt.Print(os.Getenv("PLUGIN_OUTPUT"))
		return 0
	}

	var in struct {
		APIVersion string `json:"apiVersion"`
		Spec       struct {
			Interactive bool `json:"interactive"`
		} `json:"spec"`
	}
	if err := json.Unmarshal([]byte(info), &in); err != nil {
		fmt.Fprintln(os.Stderr, "bad KUBERNETES_EXEC_INFO:", err)
		return 1
	}
	status := map[string]string{}
	if tok := os.Getenv("PLUGIN_TOKEN"); tok != "" {
		status["token"] = tok + "-" + strconv.Itoa(n)
	}
	if mode == "stdin" && in.Spec.Interactive {
		line, _ := bufio.NewReader(os.Stdin).ReadString('\n')
		status["token"] = strings.TrimSpace(line)
	}
	for _, suffix := range []string{"_" + strconv.Itoa(n), ""} {
		if c := os.Getenv("PLUGIN_CERT" + suffix); c != "" {
			status["clientCertificateData"] = c
			status["clientKeyData"] = os.Getenv("PLUGIN_KEY" + suffix)
			break
		}
	}
	if e := os.Getenv("PLUGIN_EXPIRY"); e != "" {
		status["expirationTimestamp"] = e
	}
	_ = json.NewEncoder(os.Stdout).Encode(map[string]any{
		"apiVersion": in.APIVersion,
		"kind":       "ExecCredential",
		"status":     status,
	})
	return 0
}

// appendCount appends a line to the file and returns how many it now has.
func appendCount(path string) int {
	f, err := os.OpenFile(path, os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o600)
	if err == nil {
		_, _ = f.WriteString("run\n")
		_ = f.Close()
	}
	b, _ := os.ReadFile(path)
	return strings.Count(string(b), "\n")
}

// testPlugin describes one configured run of the test plugin.
type testPlugin struct {
	exec      *config.Exec
	countFile string
	infoFile  string
	envFile   string
}

// newTestPlugin returns an Exec config that runs the test binary as a
// plugin in mode, with env added to its environment.
func newTestPlugin(t *testing.T, mode string, env map[string]string) *testPlugin {
	t.Helper()
	self, err := os.Executable()
	require.NoError(t, err)
	dir := t.TempDir()
	p := &testPlugin{
		countFile: dir + "/count",
		infoFile:  dir + "/info.json",
		envFile:   dir + "/env",
	}
	p.exec = &config.Exec{
		APIVersion:      execAPIVersionV1,
		Command:         self,
		InteractiveMode: interactiveNever,
		Env: []config.EnvVar{
			{Name: "KUBEWIRE_TEST_PLUGIN", Value: config.Secret(mode)},
			{Name: "PLUGIN_COUNT_FILE", Value: config.Secret(p.countFile)},
			{Name: "PLUGIN_INFO_FILE", Value: config.Secret(p.infoFile)},
			{Name: "PLUGIN_ENV_FILE", Value: config.Secret(p.envFile)},
		},
	}
	for k, v := range env {
		p.exec.Env = append(p.exec.Env, config.EnvVar{Name: k, Value: config.Secret(v)})
	}
	return p
}

// runs returns how many times the plugin has run.
func (p *testPlugin) runs(t *testing.T) int {
	t.Helper()
	b, err := os.ReadFile(p.countFile)
	if os.IsNotExist(err) {
		return 0
	}
	require.NoError(t, err)
	return strings.Count(string(b), "\n")
}

// info returns the KUBERNETES_EXEC_INFO of the last run.
func (p *testPlugin) info(t *testing.T) map[string]any {
	t.Helper()
	b, err := os.ReadFile(p.infoFile)
	require.NoError(t, err)
	var m map[string]any
	require.NoError(t, json.Unmarshal(b, &m))
	return m
}
