package verify

import (
	"os"
	"testing"

	"github.com/skillpass/skillpass/did/fetchtest"
)

// guard refuses and records every request sent through the default HTTP
// transport; tests use it to assert that verification stays offline.
var guard *fetchtest.Guard

// TestMain installs guard and fails the test binary if any test touched the
// network.
func TestMain(m *testing.M) {
	guard = fetchtest.Install()
	os.Exit(fetchtest.Run(m, guard))
}
