package cli

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/skillpass/skillpass/wallet/agent"
	"github.com/skillpass/skillpass/wallet/control/controltest"
)

// TestMediatorCommands: with no mediator, mediator says so and pickup
// says how to set one up; mediator INVITATION registers with an aries
// mediator and prints its connection id and endpoint; mediator then shows
// it. (A pickup that delivers is tested in package control: aries'
// mediator answers a status request only once it has held a message.)
func TestMediatorCommands(t *testing.T) {
	if testing.Short() {
		t.Skip("starts two DIDComm agents")
	}
	med := controltest.NewMediator(t)
	dir, _ := runningAgent(t)
	cli := func(args ...string) result { return runCLI(t, nil, "", append([]string{"--wallet", dir}, args...)...) }

	r := cli("mediator")
	require.Equal(t, ExitOK, r.code, r.stderr)
	require.Equal(t, msgMediatorNone, r.stdout)
	r = cli("mediator", "--json")
	require.Equal(t, ExitOK, r.code, r.stderr)
	require.Equal(t, "null\n", r.stdout)
	r = cli("pickup")
	require.Equal(t, ExitUsage, r.code)
	require.Contains(t, r.stderr, "no mediator is set up")
	require.Contains(t, r.stderr, msgHintPrefix+msgNoMediatorHint)

	r = runCLI(t, nil, string(med.Invitation(t)), "--wallet", dir, "mediator", "-")
	require.Equal(t, ExitOK, r.code, r.stderr)
	first := strings.SplitN(r.stdout, "\n", 2)[0]
	require.Contains(t, first, "Using mediator "+controltest.MediatorLabel+": connection ")
	require.True(t, strings.HasSuffix(first, "endpoint "+med.Endpoint()), first)

	r = cli("mediator", "--json")
	require.Equal(t, ExitOK, r.code, r.stderr)
	var m agent.Mediator
	require.NoError(t, json.Unmarshal([]byte(r.stdout), &m))
	require.Equal(t, med.Endpoint(), m.Endpoint)
	require.Contains(t, first, "connection "+m.ConnectionID+",")
	r = cli("mediator")
	require.Equal(t, ExitOK, r.code, r.stderr)
	require.Contains(t, r.stdout, "Mediator "+controltest.MediatorLabel+", since ")
	require.Contains(t, r.stdout, "connection "+m.ConnectionID)
	require.Contains(t, r.stdout, "endpoint   "+med.Endpoint())
}
