// Command coredns is a slim CoreDNS v1.13.2 build for the test harness.
//
// It registers only the plugins a Kubernetes cluster's Corefile normally uses
// (kubeadm's default Corefile plus rewrite/log/hosts/template/whoami) so that
// product Corefiles and snippets can be validated with `coredns -conf FILE`.
// Plugin execution order is not affected by this list: it is fixed by
// dnsserver.Directives (core/dnsserver/zdirectives.go) inside CoreDNS itself.
// forward is compiled in only so product Corefiles parse; the harness's own
// Corefiles never use it (network hygiene, see docs/harness.md).
package main

import (
	_ "github.com/coredns/coredns/plugin/any"
	_ "github.com/coredns/coredns/plugin/bind"
	_ "github.com/coredns/coredns/plugin/cache"
	_ "github.com/coredns/coredns/plugin/errors"
	_ "github.com/coredns/coredns/plugin/forward"
	_ "github.com/coredns/coredns/plugin/health"
	_ "github.com/coredns/coredns/plugin/hosts"
	_ "github.com/coredns/coredns/plugin/kubernetes"
	_ "github.com/coredns/coredns/plugin/loadbalance"
	_ "github.com/coredns/coredns/plugin/log"
	_ "github.com/coredns/coredns/plugin/loop"
	_ "github.com/coredns/coredns/plugin/metrics"
	_ "github.com/coredns/coredns/plugin/ready"
	_ "github.com/coredns/coredns/plugin/reload"
	_ "github.com/coredns/coredns/plugin/rewrite"
	_ "github.com/coredns/coredns/plugin/template"
	_ "github.com/coredns/coredns/plugin/whoami"

	"github.com/coredns/coredns/coremain"
)

func main() {
	coremain.Run()
}
