package control

import (
	"testing"

	"github.com/skillpass/skillpass/did/fetchtest"
)

// TestMain fails the test binary if any test touches the network through
// http.DefaultTransport or http.DefaultClient. The agents here talk on
// 127.0.0.1 with clients of their own.
func TestMain(m *testing.M) { fetchtest.Main(m) }
