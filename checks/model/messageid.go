package model

// SeriesMessageID is the Message-ID series-level findings point at: the
// cover letter, or the first patch without one.
func (m *Model) SeriesMessageID() string {
	if m.s.Cover != nil {
		return m.s.Cover.MessageID
	}
	for _, p := range m.s.Patches {
		if p.Msg != nil {
			return p.Msg.MessageID
		}
	}
	return m.s.ID
}

// PatchNumber is the counter of patch k in its series (the k of "k/N").
func (m *Model) PatchNumber(k int) int {
	return m.patches[k].p.Index
}

// PatchMessageID is the Message-ID of patch k.
func (m *Model) PatchMessageID(k int) string {
	if p := m.patches[k].p; p.Msg != nil {
		return p.Msg.MessageID
	}
	return ""
}
