package passport

// CatalogEntry describes one framework item: what the framework calls it,
// its kind and its sector. A catalog completes what alignments leave out
// (an alignment may carry only a code) and feeds the category and freshness
// rules.
type CatalogEntry struct {
	Ref    SkillRef `json:"ref"`
	Sector string   `json:"sector,omitempty"`
}

// Catalog maps skill keys (SkillRef.Key) to framework entries. The
// SkillsFuture workbook reader (package wallet/framework) builds one; a nil
// Catalog is empty.
type Catalog map[string]CatalogEntry

// Add records an entry under its key, keeping the first entry's name and
// type where a later one has none.
func (c Catalog) Add(e CatalogEntry) {
	if old, ok := c[e.Ref.Key]; ok {
		if e.Ref.Name == "" || e.Ref.Name == e.Ref.Code {
			e.Ref.Name = old.Ref.Name
		}
		if e.Ref.Type == "" {
			e.Ref.Type = old.Ref.Type
		}
		if e.Sector == "" {
			e.Sector = old.Sector
		}
	}
	c[e.Ref.Key] = e
}

// complete fills a reference's name and type from the catalog when the
// source left them out.
func (c Catalog) complete(ref SkillRef) SkillRef {
	e, ok := c[ref.Key]
	if !ok {
		return ref
	}
	if ref.Name == "" || ref.Name == ref.Code {
		ref.Name = orDefault(e.Ref.Name, ref.Name)
	}
	if ref.Type == "" || (ref.Framework == FrameworkSkillsFuture && e.Ref.Type != "") {
		ref.Type = orDefault(e.Ref.Type, ref.Type)
	}
	return ref
}
