package main

import (
	"os"
	"strings"
	"testing"
)

func TestTestdata(t *testing.T) {
	cases := map[string]string{ // file -> expected error substring ("" = valid)
		"good.yaml":                         "",
		"bad-unknown-field.yaml":            "unknown field",
		"bad-tcp-proxy-no-stat-prefix.yaml": "StatPrefix",
		"bad-unknown-type.yaml":             "unable to resolve",
	}
	for name, want := range cases {
		data, err := os.ReadFile("testdata/" + name)
		if err != nil {
			t.Fatal(err)
		}
		err = Validate(data)
		switch {
		case want == "" && err != nil:
			t.Errorf("%s: unexpected error: %v", name, err)
		case want != "" && err == nil:
			t.Errorf("%s: accepted, want error containing %q", name, want)
		case want != "" && !strings.Contains(err.Error(), want):
			t.Errorf("%s: error %q does not contain %q", name, err, want)
		}
	}
}
