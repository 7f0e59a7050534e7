// etcd, built from its published server module: this wrapper only calls the
// module's own entry point, so the kube modules' versions do not shift it.
package main

import (
	"os"

	"go.etcd.io/etcd/server/v3/etcdmain"
)

func main() {
	etcdmain.Main(os.Args)
}
