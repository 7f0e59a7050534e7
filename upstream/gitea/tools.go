//go:build tools

// Gitea's server (its main package is the module root), required here so that
// `go mod tidy` keeps every module it needs; upstream/build builds it by path.
package tools

import _ "gitea.dev"
