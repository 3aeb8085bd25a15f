package did

import (
	"testing"

	"github.com/skillpass/skillpass/did/fetchtest"
)

// TestMain fails the test binary if any test touches the network.
func TestMain(m *testing.M) { fetchtest.Main(m) }
