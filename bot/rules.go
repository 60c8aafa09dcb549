package bot

import (
	"github.com/patchbot/patchbot/checks"
	"github.com/patchbot/patchbot/config"
)

// ConfigRules returns the conversion rules pinned in the config's
// [[checks.rule]] tables, for checks.Env.Rules.
func ConfigRules(cfg *config.Config) []checks.Rule {
	if cfg == nil {
		return nil
	}
	rules := make([]checks.Rule, len(cfg.Checks.Rules))
	for i, r := range cfg.Checks.Rules {
		rules[i] = checks.Rule{Struct: r.Struct, Member: r.Member, Old: r.Old, New: r.New}
	}
	return rules
}
