package qr_test

import (
	"testing"

	"github.com/skillpass/skillpass/did/fetchtest"
)

// TestMain refuses every request sent through the default HTTP transport
// and fails the test binary if any test attempted one: nothing here may
// touch the network (JSON-LD contexts are shipped).
func TestMain(m *testing.M) { fetchtest.Main(m) }
