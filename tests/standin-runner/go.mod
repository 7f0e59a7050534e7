module shipdeck.dev/tests/standin-runner

go 1.26

require (
	connectrpc.com/connect v1.20.0
	gitea.dev/actions-proto-go v0.6.0
	google.golang.org/protobuf v1.36.11
)
