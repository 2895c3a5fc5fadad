package config

import (
	"fmt"
	"io"
	"strings"
)

// Format prints the Config for every fmt verb with credentials hidden:
// Secret fields print "REDACTED", and a password in the user info of Server
// or ProxyURL is replaced by "xxxxx".
func (c Config) Format(f fmt.State, verb rune) {
	type plain Config // drops the Format method, so no recursion
	p := plain(c)
	p.Server = redactURL(p.Server)
	p.ProxyURL = redactURL(p.ProxyURL)
	s := fmt.Sprintf(fmt.FormatString(f, verb), p)
	if verb == 'v' && f.Flag('#') {
		s = strings.Replace(s, "config.plain{", "config.Config{", 1)
	}
	io.WriteString(f, s)
}
