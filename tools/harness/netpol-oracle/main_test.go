package main

import (
	"strings"
	"testing"
)

// Policies shaped as the compiler emits them: a gateway admitting one service on 443/TCP, and an
// enforced namespace's baseline plus one port-wide grant (public addresses on 8443/TCP).
const policies = `[
 {"apiVersion": "networking.k8s.io/v1", "kind": "NetworkPolicy",
  "metadata": {"name": "gw-github-com", "namespace": "egress"},
  "spec": {"podSelector": {"matchLabels": {"app.kubernetes.io/instance": "gw-github-com"}},
   "policyTypes": ["Ingress", "Egress"],
   "ingress": [{"from": [{"namespaceSelector": {"matchLabels": {"kubernetes.io/metadata.name": "payments"}},
                          "podSelector": {"matchLabels": {"app": "billing"}}}],
                "ports": [{"port": 443, "protocol": "TCP"}]}],
   "egress": [{"to": [{"ipBlock": {"cidr": "0.0.0.0/0", "except": ["10.0.0.0/8"]}}], "ports": [{"port": 443, "protocol": "TCP"}]}]}},
 {"apiVersion": "networking.k8s.io/v1", "kind": "NetworkPolicy",
  "metadata": {"name": "egress-control-default-deny-internet", "namespace": "payments"},
  "spec": {"podSelector": {}, "policyTypes": ["Egress"], "egress": [{"to": [{"namespaceSelector": {}}]}]}},
 {"apiVersion": "networking.k8s.io/v1", "kind": "NetworkPolicy",
  "metadata": {"name": "egress-port-8443-billing", "namespace": "payments"},
  "spec": {"podSelector": {"matchLabels": {"app": "billing"}}, "policyTypes": ["Egress"],
   "egress": [{"to": [{"ipBlock": {"cidr": "0.0.0.0/0", "except": ["10.0.0.0/8"]}}], "ports": [{"port": 8443, "protocol": "TCP"}]}]}}
]`

const namespaces = `{"payments": {"labels": {"kubernetes.io/metadata.name": "payments"}},
 "frontend": {"labels": {"kubernetes.io/metadata.name": "frontend"}},
 "egress": {"labels": {"kubernetes.io/metadata.name": "egress"}}}`

const gateway = `{"internal": {"namespace": "egress", "podLabels": {"app.kubernetes.io/instance": "gw-github-com"}}, "ip": "10.244.1.7"}`

func query(ns, app, dest string, port int, protocol string) string {
	return `{"source": {"namespace": "` + ns + `", "podLabels": {"app": "` + app + `"}, "ip": "10.244.0.5"},
	 "destination": ` + dest + `, "port": ` + itoa(port) + `, "protocol": "` + protocol + `"}`
}

func itoa(n int) string {
	s := ""
	for ; n > 0; n /= 10 {
		s = string(rune('0'+n%10)) + s
	}
	return s
}

func TestVerdicts(t *testing.T) {
	public := `{"ip": "203.0.113.10"}`
	cases := []struct {
		name                      string
		query                     string
		allowed, ingress, egress  bool
		ingressIsolated, egressIs bool
	}{
		{"granted service to its gateway on the granted port", query("payments", "billing", gateway, 443, "TCP"), true, true, true, true, true},
		{"same port over UDP: the rule names TCP", query("payments", "billing", gateway, 443, "UDP"), false, false, true, true, true},
		{"a port the gateway does not admit", query("payments", "billing", gateway, 22, "TCP"), false, false, true, true, true},
		{"another service of the namespace", query("payments", "web", gateway, 443, "TCP"), false, false, true, true, true},
		{"same labels in an unenforced namespace: egress open, gateway ingress still denies", query("frontend", "billing", gateway, 443, "TCP"), false, false, true, true, false},
		{"port-wide grant: public address on its port", query("payments", "billing", public, 8443, "TCP"), true, true, true, false, true},
		{"port-wide grant is TCP only", query("payments", "billing", public, 8443, "UDP"), false, true, false, false, true},
		{"port-wide grant does not cover a private address", query("payments", "billing", `{"ip": "10.1.2.3"}`, 8443, "TCP"), false, true, false, false, true},
		{"enforced namespace without grant: public address denied", query("payments", "web", public, 8443, "TCP"), false, true, false, false, true},
		{"unenforced namespace: nothing selects the pod, all allowed", query("frontend", "web", public, 25, "TCP"), true, true, true, false, false},
	}
	var queries []string
	for _, c := range cases {
		queries = append(queries, c.query)
	}
	out, err := run([]byte(`{"policies": ` + policies + `, "namespaces": ` + namespaces + `, "queries": [` + strings.Join(queries, ",") + `]}`))
	if err != nil {
		t.Fatal(err)
	}
	if len(out.Verdicts) != len(cases) {
		t.Fatalf("%d verdicts for %d queries", len(out.Verdicts), len(cases))
	}
	for i, c := range cases {
		v := out.Verdicts[i]
		if v.Allowed != c.allowed || v.Ingress.Allowed != c.ingress || v.Egress.Allowed != c.egress ||
			v.Ingress.Isolated != c.ingressIsolated || v.Egress.Isolated != c.egressIs {
			t.Errorf("%s: got %+v", c.name, v)
		}
	}
	// The explanation names the policies: the gateway's policy denies the UDP query's ingress.
	if got := out.Verdicts[1].Ingress.DeniedBy; len(got) != 1 || got[0] != "egress/gw-github-com" {
		t.Errorf("UDP query: ingress deniedBy = %v", got)
	}
	if got := out.Verdicts[5].Egress.AllowedBy; strings.Join(got, ",") != "payments/egress-port-8443-billing" {
		t.Errorf("port-wide query: egress allowedBy = %v", got)
	}
}

func TestBadInputNamesTheField(t *testing.T) {
	cases := map[string]string{
		`{"policies": [], "namespaces": {}, "queries": [` + query("payments", "billing", `{"ip": "203.0.113.10"}`, 443, "TCP") + `]}`:                             `queries[0].source.namespace: "payments" is not in namespaces`,
		`{"policies": [], "namespaces": ` + namespaces + `, "queries": [` + query("payments", "billing", `{"ip": ""}`, 443, "TCP") + `]}`:                         `queries[0].destination.ip: required`,
		`{"policies": [], "namespaces": ` + namespaces + `, "queries": [` + query("payments", "billing", gateway, 443, "ICMP") + `]}`:                             `queries[0].protocol: must be TCP, UDP or SCTP`,
		`{"policies": [{"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "x", "namespace": "y"}}], "queries": []}`:                                   `policies[0]: not a networking.k8s.io/v1 NetworkPolicy`,
		`{"policies": [{"apiVersion": "networking.k8s.io/v1", "kind": "NetworkPolicy", "metadata": {"name": "x", "namespace": "y"}, "spec": {}}], "queries": []}`: `cyclonus rejected the input`,
	}
	for in, want := range cases {
		if _, err := run([]byte(in)); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("want an error containing %q, got %v", want, err)
		}
	}
}
