//go:build tools

// The Argo Rollouts commands, required here so that `go mod tidy` keeps every
// module they need; upstream/build builds them by import path.
package tools

import (
	_ "github.com/argoproj/argo-rollouts/cmd/kubectl-argo-rollouts"
	_ "github.com/argoproj/argo-rollouts/cmd/rollouts-controller"
)
