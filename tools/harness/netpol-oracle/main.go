// netpol-oracle answers "does this set of NetworkPolicies allow this traffic?" with the matcher of
// cyclonus (github.com/mattfenwick/cyclonus, the engine Kubernetes SIG Network used to test network
// plugins), so the product's own reachability evaluation can be checked against an engine it shares
// no code with. Input on stdin, output on stdout, both JSON (see docs/harness.md):
//
//	in:  {"policies": [<networking.k8s.io/v1 NetworkPolicy>...],
//	      "namespaces": {"<name>": {"labels": {...}}},
//	      "queries": [{"source": {"namespace", "podLabels", "ip"?},
//	                   "destination": {"internal"?: {"namespace", "podLabels"}, "ip"},
//	                   "port", "protocol"}]}
//	out: {"verdicts": [{"allowed", "ingress": {...}, "egress": {...}}]}   one per query, in order
//
// A connection is allowed only when the source's egress policies allow it AND the destination's
// ingress policies allow it; each direction reports whether any policy selects that end (isolated)
// and which policies allow or do not allow the traffic, so a disagreement can be explained.
// Bad input exits 2 with a message naming the field.
package main

import (
	"encoding/json"
	"fmt"
	"io"
	"os"
	"sort"

	"github.com/mattfenwick/cyclonus/pkg/matcher"
	v1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
)

type Namespace struct {
	Labels map[string]string `json:"labels"`
}

type Pod struct {
	Namespace string            `json:"namespace"`
	PodLabels map[string]string `json:"podLabels"`
}

type Source struct {
	Namespace string            `json:"namespace"`
	PodLabels map[string]string `json:"podLabels"`
	// The pod's IP: only consulted by ingress ipBlock rules of the destination.
	IP string `json:"ip"`
}

type Destination struct {
	// Set for a pod of the cluster; absent for an address outside it.
	Internal *Pod   `json:"internal"`
	IP       string `json:"ip"`
}

type Query struct {
	Source      Source      `json:"source"`
	Destination Destination `json:"destination"`
	Port        int         `json:"port"`
	Protocol    string      `json:"protocol"`
}

type Input struct {
	Policies   []*networkingv1.NetworkPolicy `json:"policies"`
	Namespaces map[string]Namespace          `json:"namespaces"`
	Queries    []Query                       `json:"queries"`
}

type Direction struct {
	Allowed bool `json:"allowed"`
	// Some policy selects this end for this direction (otherwise everything is allowed).
	Isolated bool `json:"isolated"`
	// "namespace/name" of the policies whose rules allow the traffic, and of those selecting the end
	// whose rules do not.
	AllowedBy []string `json:"allowedBy"`
	DeniedBy  []string `json:"deniedBy"`
}

type Verdict struct {
	Allowed bool      `json:"allowed"`
	Ingress Direction `json:"ingress"`
	Egress  Direction `json:"egress"`
}

type Output struct {
	Verdicts []Verdict `json:"verdicts"`
}

func main() {
	in, err := io.ReadAll(os.Stdin)
	if err == nil {
		var out *Output
		if out, err = run(in); err == nil {
			err = json.NewEncoder(os.Stdout).Encode(out)
		}
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "netpol-oracle:", err)
		os.Exit(2)
	}
}

// run decodes the input and answers every query. cyclonus panics on policies it deems invalid (no
// policyTypes, a peer with nothing set, a bad CIDR): reported as an error, not a crash.
func run(raw []byte) (out *Output, err error) {
	defer func() {
		if r := recover(); r != nil {
			out, err = nil, fmt.Errorf("cyclonus rejected the input: %v", r)
		}
	}()
	var input Input
	if err := json.Unmarshal(raw, &input); err != nil {
		return nil, fmt.Errorf("input is not valid JSON for {policies, namespaces, queries}: %w", err)
	}
	for i, p := range input.Policies {
		if p == nil || p.Kind != "NetworkPolicy" || p.APIVersion != "networking.k8s.io/v1" {
			return nil, fmt.Errorf("policies[%d]: not a networking.k8s.io/v1 NetworkPolicy", i)
		}
		if p.Namespace == "" {
			return nil, fmt.Errorf("policies[%d].metadata.namespace: required", i)
		}
	}
	engine := matcher.BuildNetworkPolicies(true, input.Policies)
	out = &Output{Verdicts: make([]Verdict, 0, len(input.Queries))}
	for i, q := range input.Queries {
		traffic, err := trafficOf(q, input.Namespaces)
		if err != nil {
			return nil, fmt.Errorf("queries[%d].%w", i, err)
		}
		result := engine.IsTrafficAllowed(traffic)
		out.Verdicts = append(out.Verdicts, Verdict{
			Allowed: result.IsAllowed(),
			Ingress: direction(result.Ingress),
			Egress:  direction(result.Egress),
		})
	}
	return out, nil
}

func trafficOf(q Query, namespaces map[string]Namespace) (*matcher.Traffic, error) {
	if q.Protocol != "TCP" && q.Protocol != "UDP" && q.Protocol != "SCTP" {
		return nil, fmt.Errorf("protocol: must be TCP, UDP or SCTP, got %q", q.Protocol)
	}
	if q.Port < 1 || q.Port > 65535 {
		return nil, fmt.Errorf("port: must be 1-65535, got %d", q.Port)
	}
	source, err := internal(q.Source.Namespace, q.Source.PodLabels, namespaces)
	if err != nil {
		return nil, fmt.Errorf("source.%w", err)
	}
	if q.Destination.IP == "" {
		return nil, fmt.Errorf("destination.ip: required")
	}
	dest := &matcher.TrafficPeer{IP: q.Destination.IP}
	if d := q.Destination.Internal; d != nil {
		if dest.Internal, err = internal(d.Namespace, d.PodLabels, namespaces); err != nil {
			return nil, fmt.Errorf("destination.internal.%w", err)
		}
	}
	return &matcher.Traffic{
		Source:       &matcher.TrafficPeer{Internal: source, IP: q.Source.IP},
		Destination:  dest,
		ResolvedPort: q.Port,
		Protocol:     v1.Protocol(q.Protocol),
	}, nil
}

// internal: a pod of the cluster. Its namespace's labels must be given (namespaceSelector matches them).
func internal(namespace string, podLabels map[string]string, namespaces map[string]Namespace) (*matcher.InternalPeer, error) {
	if namespace == "" {
		return nil, fmt.Errorf("namespace: required")
	}
	ns, ok := namespaces[namespace]
	if !ok {
		return nil, fmt.Errorf("namespace: %q is not in namespaces (its labels are needed)", namespace)
	}
	if podLabels == nil {
		podLabels = map[string]string{}
	}
	labels := ns.Labels
	if labels == nil {
		labels = map[string]string{}
	}
	return &matcher.InternalPeer{PodLabels: podLabels, NamespaceLabels: labels, Namespace: namespace}, nil
}

func direction(r *matcher.DirectionResult) Direction {
	return Direction{
		Allowed:   r.IsAllowed(),
		Isolated:  len(r.AllowingTargets)+len(r.DenyingTargets) > 0,
		AllowedBy: policyNames(r.AllowingTargets),
		DeniedBy:  policyNames(r.DenyingTargets),
	}
}

func policyNames(targets []*matcher.Target) []string {
	names := []string{}
	for _, t := range targets {
		for _, p := range t.SourceRules {
			names = append(names, p.Namespace+"/"+p.Name)
		}
	}
	sort.Strings(names)
	return names
}
