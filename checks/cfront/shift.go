package cfront

// AppendShifted appends to u what v holds, with every line moved down by
// delta: the parse of a chunk that starts at line delta+1 of its file,
// joined to the parses of the chunks before it. v is not changed (it may
// be a cached parse shared with other files).
func (u *Unit) AppendShifted(v *Unit, delta int) {
	u.Recovered = u.Recovered || v.Recovered
	for _, f := range v.Funcs {
		f.Line += delta
		f.EndLine += delta
		f.Type = f.Type.shifted(delta)
		u.Funcs = append(u.Funcs, f)
	}
	for _, s := range v.Structs {
		s.Line += delta
		s.EndLine += delta
		if len(s.Members) > 0 {
			ms := make([]Member, len(s.Members))
			for i, m := range s.Members {
				m.Line += delta
				if m.Func != nil {
					ft := m.Func.shifted(delta)
					m.Func = &ft
				}
				ms[i] = m
			}
			s.Members = ms
		}
		u.Structs = append(u.Structs, s)
	}
	for _, in := range v.Inits {
		in.Line += delta
		if len(in.Fields) > 0 {
			fs := make([]Field, len(in.Fields))
			for i, f := range in.Fields {
				f.Line += delta
				fs[i] = f
			}
			in.Fields = fs
		}
		u.Inits = append(u.Inits, in)
	}
	for _, c := range v.Calls {
		c.Line += delta
		c.Branch = c.Branch.shifted(delta)
		u.Calls = append(u.Calls, c)
	}
	for _, c := range v.Casts {
		c.Line += delta
		c.Branch = c.Branch.shifted(delta)
		u.Casts = append(u.Casts, c)
	}
	for _, d := range v.Decls {
		d.Line += delta
		u.Decls = append(u.Decls, d)
	}
	for _, a := range v.Assigns {
		a.Line += delta
		a.Branch = a.Branch.shifted(delta)
		u.Assigns = append(u.Assigns, a)
	}
}

// shifted is ft with its parameters' lines moved down by delta.
func (ft FuncType) shifted(delta int) FuncType {
	if len(ft.Params) == 0 {
		return ft
	}
	ps := make([]Param, len(ft.Params))
	for i, p := range ft.Params {
		p.Line += delta
		ps[i] = p
	}
	ft.Params = ps
	return ft
}

// shifted is b with its guards' lines moved down by delta (b itself may be
// shared with a cached parse).
func (b *Branch) shifted(delta int) *Branch {
	if b == nil || len(b.GuardLines) == 0 {
		return b
	}
	c := *b
	c.GuardLines = make([]int, len(b.GuardLines))
	for i, l := range b.GuardLines {
		c.GuardLines[i] = l + delta
	}
	return &c
}
