package cli

import (
	"errors"
	"fmt"

	"github.com/skillpass/skillpass/wallet/agent"
)

// cmdMediator sets up the mediator from an invitation (mediator
// INVITATION) or shows the one in use (mediator).
func cmdMediator(o *opts, env Env) error {
	if len(o.args) > 1 {
		return &usageError{msg: msgMediatorUsage, hint: msgInvitationHint}
	}
	var data []byte
	if len(o.args) == 1 {
		var err error
		if data, err = invitationInput(o.args[0], env.Stdin); err != nil {
			return err
		}
		if _, err := agent.ParseInvitation(data); err != nil {
			return agentErr(err) // say what is wrong before asking for the agent
		}
	}
	c, err := needAgent("mediator", o)
	if err != nil {
		return err
	}
	if data == nil {
		m, err := c.Mediator(ctx())
		if errors.Is(err, agent.ErrNoMediator) {
			if o.json {
				return writeJSON(env.Stdout, nil)
			}
			fmt.Fprint(env.Stdout, msgMediatorNone)
			return nil
		}
		if err != nil {
			return mediatorErr(err)
		}
		if o.json {
			return writeJSON(env.Stdout, m)
		}
		fmt.Fprintf(env.Stdout, msgMediatorShow, firstNonEmpty(m.Label, msgMediatorUnnamed), m.Since.Local().Format("2006-01-02 15:04"), m.ConnectionID, m.Endpoint)
		return nil
	}
	m, err := c.UseMediator(ctx(), data)
	if err != nil {
		return mediatorErr(err)
	}
	if o.json {
		return writeJSON(env.Stdout, m)
	}
	fmt.Fprintf(env.Stdout, msgMediatorSet, firstNonEmpty(m.Label, msgMediatorUnnamed), m.ConnectionID, m.Endpoint)
	return nil
}

// cmdPickup asks the mediator for what it holds.
func cmdPickup(o *opts, env Env) error {
	if err := noArgs("pickup", o); err != nil {
		return err
	}
	c, err := needAgent("pickup", o)
	if err != nil {
		return err
	}
	n, err := c.Pickup(ctx())
	if err != nil {
		if n > 0 && !o.json {
			fmt.Fprintf(env.Stdout, msgPickedUp, n)
		}
		return mediatorErr(err)
	}
	if o.json {
		return writeJSON(env.Stdout, map[string]int{"delivered": n})
	}
	fmt.Fprintf(env.Stdout, msgPickedUp, n)
	if n > 0 {
		fmt.Fprint(env.Stdout, msgPickedUpHint)
	}
	return nil
}

// mediatorErr adds the hint that fits an error of mediator or pickup.
func mediatorErr(err error) error {
	switch {
	case errors.Is(err, agent.ErrNoMediator):
		return &hinted{err: err, hint: msgNoMediatorHint}
	case errors.Is(err, agent.ErrMediatorRefused):
		return &refusedError{&hinted{err: err, hint: msgMediatorRefusedHint}}
	}
	return agentErr(err)
}
