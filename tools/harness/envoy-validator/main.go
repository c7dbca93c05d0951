// Command envoy-validator checks Envoy bootstrap files without running Envoy.
//
// Pinned to the Envoy 1.36 API (github.com/envoyproxy/go-control-plane/envoy v1.36.0).
// For each file (YAML or JSON; "-" or no argument reads stdin) it:
//  1. converts YAML to JSON and unmarshals it with protojson into a
//     config.bootstrap.v3.Bootstrap, rejecting unknown fields and unknown @type URLs;
//  2. runs the protoc-gen-validate rules (ValidateAll) on the bootstrap;
//  3. walks the whole message tree and, for every google.protobuf.Any
//     (typed_config and friends), unpacks it and runs ValidateAll on it too,
//     recursively (ValidateAll alone never looks inside an Any).
//
// It prints "OK <file>" per valid file, or "FAIL <file>: <reason>" and exits 1.
// Cross-reference checks (clusters named by tcp_proxy exist, ports unique, ...)
// are not done here; the TypeScript tests do them.
package main

import (
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	bootstrapv3 "github.com/envoyproxy/go-control-plane/envoy/config/bootstrap/v3"
	"google.golang.org/protobuf/encoding/protojson"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protoreflect"
	"google.golang.org/protobuf/types/known/anypb"
	"sigs.k8s.io/yaml"

	// Extensions that may appear inside typed_config. An Any whose type is not
	// linked in here fails to unmarshal ("unable to resolve ..."): add the
	// package when the product starts using a new extension.
	_ "github.com/envoyproxy/go-control-plane/envoy/extensions/access_loggers/file/v3"
	_ "github.com/envoyproxy/go-control-plane/envoy/extensions/access_loggers/stream/v3"
	_ "github.com/envoyproxy/go-control-plane/envoy/extensions/clusters/dns/v3"
	_ "github.com/envoyproxy/go-control-plane/envoy/extensions/clusters/dynamic_forward_proxy/v3"
	_ "github.com/envoyproxy/go-control-plane/envoy/extensions/common/dynamic_forward_proxy/v3"
	_ "github.com/envoyproxy/go-control-plane/envoy/extensions/filters/http/health_check/v3"
	_ "github.com/envoyproxy/go-control-plane/envoy/extensions/filters/http/router/v3"
	_ "github.com/envoyproxy/go-control-plane/envoy/extensions/filters/listener/tls_inspector/v3"
	_ "github.com/envoyproxy/go-control-plane/envoy/extensions/filters/network/http_connection_manager/v3"
	_ "github.com/envoyproxy/go-control-plane/envoy/extensions/filters/network/local_ratelimit/v3"
	_ "github.com/envoyproxy/go-control-plane/envoy/extensions/filters/network/rbac/v3"
	_ "github.com/envoyproxy/go-control-plane/envoy/extensions/filters/network/sni_cluster/v3"
	_ "github.com/envoyproxy/go-control-plane/envoy/extensions/filters/network/sni_dynamic_forward_proxy/v3"
	_ "github.com/envoyproxy/go-control-plane/envoy/extensions/filters/network/tcp_proxy/v3"
	_ "github.com/envoyproxy/go-control-plane/envoy/extensions/filters/udp/udp_proxy/v3"
	_ "github.com/envoyproxy/go-control-plane/envoy/extensions/matching/common_inputs/network/v3"
	_ "github.com/envoyproxy/go-control-plane/envoy/extensions/network/dns_resolver/cares/v3"
	_ "github.com/envoyproxy/go-control-plane/envoy/extensions/network/dns_resolver/getaddrinfo/v3"
	_ "github.com/envoyproxy/go-control-plane/envoy/extensions/transport_sockets/raw_buffer/v3"
	_ "github.com/envoyproxy/go-control-plane/envoy/extensions/transport_sockets/tls/v3"
	_ "github.com/envoyproxy/go-control-plane/envoy/extensions/upstreams/tcp/generic/v3"
	_ "github.com/envoyproxy/go-control-plane/envoy/extensions/upstreams/tcp/v3"
)

type validator interface{ ValidateAll() error }

// Validate parses one bootstrap document (YAML or JSON) and validates it fully.
func Validate(data []byte) error {
	js, err := yaml.YAMLToJSON(data)
	if err != nil {
		return fmt.Errorf("yaml: %w", err)
	}
	var b bootstrapv3.Bootstrap
	if err := (protojson.UnmarshalOptions{DiscardUnknown: false}).Unmarshal(js, &b); err != nil {
		return fmt.Errorf("parse: %w", err)
	}
	if err := b.ValidateAll(); err != nil {
		return fmt.Errorf("validate: %w", err)
	}
	return walk(b.ProtoReflect(), "")
}

// walk visits every populated field; each Any is unpacked, validated and walked.
func walk(m protoreflect.Message, path string) error {
	var errs []error
	m.Range(func(fd protoreflect.FieldDescriptor, v protoreflect.Value) bool {
		p := join(path, string(fd.Name()))
		switch {
		case fd.IsMap():
			if fd.MapValue().Kind() == protoreflect.MessageKind {
				v.Map().Range(func(k protoreflect.MapKey, mv protoreflect.Value) bool {
					errs = append(errs, visit(mv.Message(), fmt.Sprintf("%s[%v]", p, k.Interface())))
					return true
				})
			}
		case fd.Kind() != protoreflect.MessageKind && fd.Kind() != protoreflect.GroupKind:
		case fd.IsList():
			l := v.List()
			for i := 0; i < l.Len(); i++ {
				errs = append(errs, visit(l.Get(i).Message(), fmt.Sprintf("%s[%d]", p, i)))
			}
		default:
			errs = append(errs, visit(v.Message(), p))
		}
		return true
	})
	return errors.Join(errs...)
}

func visit(m protoreflect.Message, path string) error {
	if m.Descriptor().FullName() != "google.protobuf.Any" {
		return walk(m, path)
	}
	a, ok := m.Interface().(*anypb.Any)
	if !ok {
		a = &anypb.Any{}
		proto.Merge(a, m.Interface())
	}
	inner, err := anypb.UnmarshalNew(a, proto.UnmarshalOptions{})
	if err != nil {
		return fmt.Errorf("%s (%s): %w", path, a.GetTypeUrl(), err)
	}
	tn := string(inner.ProtoReflect().Descriptor().FullName())
	if v, ok := inner.(validator); ok {
		if err := v.ValidateAll(); err != nil {
			return fmt.Errorf("%s (%s): %w", path, tn, err)
		}
	}
	return walk(inner.ProtoReflect(), path+"<"+tn+">")
}

func join(path, name string) string {
	if path == "" {
		return name
	}
	return path + "." + name
}

func main() {
	files := os.Args[1:]
	if len(files) == 0 {
		files = []string{"-"}
	}
	failed := false
	for _, f := range files {
		var data []byte
		var err error
		if f == "-" {
			data, err = io.ReadAll(os.Stdin)
		} else {
			data, err = os.ReadFile(f)
		}
		if err == nil {
			err = Validate(data)
		}
		if err != nil {
			failed = true
			fmt.Fprintf(os.Stderr, "FAIL %s: %s\n", f, strings.ReplaceAll(err.Error(), "\n", "\n  "))
			continue
		}
		fmt.Printf("OK %s\n", f)
	}
	if failed {
		os.Exit(1)
	}
}
