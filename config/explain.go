package config

// Source records where a loaded Config's settings came from.
// (Filled in by loading; see Explain.)
type Source struct{}
