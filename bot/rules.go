package bot

import (
	"github.com/patchbot/patchbot/checks/model"
	"github.com/patchbot/patchbot/config"
)

// ConfigRules returns the conversion rules pinned in the config's
// [[checks.rule]] tables, for model.Env.Rules.
func ConfigRules(cfg *config.Config) []model.Rule {
	if cfg == nil {
		return nil
	}
	rules := make([]model.Rule, len(cfg.Checks.Rules))
	for i, r := range cfg.Checks.Rules {
		rules[i] = model.Rule{Struct: r.Struct, Member: r.Member, Old: r.Old, New: r.New}
	}
	return rules
}
