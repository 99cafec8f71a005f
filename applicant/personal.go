package applicant

import (
	"bytes"
	"encoding/json"
	"slices"
	"strings"
)

// Plaintext is the canonical encoding of one data class's personal values,
// to be sealed by the store and never kept as is. It converts to []byte
// where a sealing function wants one; formatting it with fmt or slog
// prints only its length.
type Plaintext []byte

// personalVersion is the version of the canonical encoding.
const personalVersion = 1

// blob is the canonical encoding of one class: {"fields":{...},"v":1},
// field keys in byte order (encoding/json sorts map keys), values as JSON
// strings, numbers (ages), booleans (infant) or arrays with one element
// per companion (null for an age not given). Empty values are left out.
type blob struct {
	Fields map[Field]json.RawMessage `json:"fields"`
	V      int                       `json:"v"`
}

func encodeBlob(fields map[Field]json.RawMessage) (Plaintext, error) {
	b, err := json.Marshal(blob{Fields: fields, V: personalVersion})
	if err != nil {
		return nil, err
	}
	return b, nil
}

func mustJSON(v any) json.RawMessage {
	b, err := json.Marshal(v)
	if err != nil {
		// Only strings, ints, bools and slices of them are encoded.
		panic("kuji/applicant: encoding a personal value: " + err.Error())
	}
	return b
}

// PersonalData returns the application's personal values, one canonical
// [Plaintext] per data class of the schema, for the store to seal each
// under its class's key. Values of fields the schema does not collect are
// refused ([ReasonNotCollected]): they must never be stored.
// [Schema.Restore] reads them back.
func (a *Application) PersonalData(s *Schema) (map[DataClass]Plaintext, error) {
	c, err := s.compile()
	if err != nil {
		return nil, err
	}
	var errs Errors
	for f := range a.Representative.Extra {
		if !strings.HasPrefix(string(f), "x.") {
			errs = append(errs, newError(f, 0, ReasonNotCollected))
		}
	}
	if len(errs) > 0 {
		return nil, errs
	}
	vals := a.personalValues()
	byClass := map[DataClass]map[Field]json.RawMessage{}
	for f, v := range vals {
		r := c.rules[f]
		if r == nil || c.infoOf(f).OnCard {
			errs = append(errs, newError(f, 0, ReasonNotCollected))
			continue
		}
		if byClass[r.Class] == nil {
			byClass[r.Class] = map[Field]json.RawMessage{}
		}
		byClass[r.Class][f] = v
	}
	if len(errs) > 0 {
		slices.SortFunc(errs, func(x, y *Error) int { return strings.Compare(string(x.Field), string(y.Field)) })
		return nil, errs
	}
	return c.encodeClasses(byClass, false)
}

// encodeClasses encodes one blob per class of application (or card)
// fields, including classes with no value, so every class is sealed.
func (c *compiled) encodeClasses(byClass map[DataClass]map[Field]json.RawMessage, card bool) (map[DataClass]Plaintext, error) {
	out := map[DataClass]Plaintext{}
	for _, r := range c.s.Fields {
		fi := c.infoOf(r.Field)
		if fi.Sealed && fi.OnCard == card {
			if _, ok := out[r.Class]; !ok {
				p, err := encodeBlob(byClass[r.Class])
				if err != nil {
					return nil, err
				}
				out[r.Class] = p
			}
		}
	}
	return out, nil
}

// personalValues returns every non-empty sealed value of a, encoded.
func (a *Application) personalValues() map[Field]json.RawMessage {
	m := map[Field]json.RawMessage{}
	str := func(f Field, v string) {
		if v != "" {
			m[f] = mustJSON(v)
		}
	}
	p := &a.Representative
	str(FieldName, p.Name)
	str(FieldNameKana, p.NameKana)
	str(FieldAddress, p.Address)
	str(FieldPostalCode, p.PostalCode)
	if p.Age != nil {
		m[FieldAge] = mustJSON(*p.Age)
	}
	str(FieldBirthDate, p.BirthDate)
	str(FieldSex, string(p.Sex))
	str(FieldPhone, p.Phone)
	str(FieldEmail, p.Email)
	for f, v := range p.Extra {
		str(f, v)
	}
	if len(a.Companions) > 0 {
		names := make([]string, len(a.Companions))
		kana := make([]string, len(a.Companions))
		ages := make([]*int, len(a.Companions))
		infant := make([]bool, len(a.Companions))
		var hasName, hasKana, hasAge, hasInfant bool
		for i, cp := range a.Companions {
			names[i], kana[i], ages[i], infant[i] = cp.Name, cp.NameKana, cp.Age, cp.Infant
			hasName = hasName || cp.Name != ""
			hasKana = hasKana || cp.NameKana != ""
			hasAge = hasAge || cp.Age != nil
			hasInfant = hasInfant || cp.Infant
		}
		if hasName {
			m[FieldCompanionName] = mustJSON(names)
		}
		if hasKana {
			m[FieldCompanionNameKana] = mustJSON(kana)
		}
		if hasAge {
			m[FieldCompanionAge] = mustJSON(ages)
		}
		if hasInfant {
			m[FieldCompanionInfant] = mustJSON(infant)
		}
	}
	return m
}

// Restore rebuilds an application from its summary and the decrypted
// blobs of [Application.PersonalData]. A class left out of personal (its key
// destroyed, or not needed) leaves its fields empty; a blob that is not
// this schema's encoding is [ReasonPersonalData], naming the field or
// class but never a value.
func (s *Schema) Restore(sum Summary, personal map[DataClass][]byte) (*Application, error) {
	c, err := s.compile()
	if err != nil {
		return nil, err
	}
	if sum.GroupSize < 1 {
		return nil, newError(FieldGroupSize, 0, ReasonMissing)
	}
	a := &Application{Summary: sum}
	a.Preferences = slices.Clone(sum.Preferences)
	if sum.GroupSize > 1 {
		a.Companions = make([]Companion, sum.GroupSize-1)
	}
	for class, data := range personal {
		fields, err := c.decodeBlob(class, data, false)
		if err != nil {
			return nil, err
		}
		for f, raw := range fields {
			if !a.setPersonal(f, raw) {
				return nil, newError(f, 0, ReasonPersonalData)
			}
		}
	}
	return a, nil
}

// decodeBlob decodes one class's blob and checks that every field in it is
// a sealed field of that class.
func (c *compiled) decodeBlob(class DataClass, data []byte, card bool) (map[Field]json.RawMessage, error) {
	classErr := &Error{Reason: ReasonPersonalData, labelJA: string(class), labelEN: string(class)}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	var b blob
	if err := dec.Decode(&b); err != nil || dec.More() || b.V != personalVersion {
		return nil, classErr
	}
	for f := range b.Fields {
		r, fi := c.rules[f], c.infoOf(f)
		if r == nil || r.Class != class || !fi.Sealed || fi.OnCard != card {
			return nil, newError(f, 0, ReasonPersonalData)
		}
	}
	return b.Fields, nil
}

// setPersonal decodes one field's value into a; false if it does not fit.
func (a *Application) setPersonal(f Field, raw json.RawMessage) bool {
	p := &a.Representative
	str := func(dst *string) bool {
		return json.Unmarshal(raw, dst) == nil
	}
	n := len(a.Companions)
	switch f {
	case FieldName:
		return str(&p.Name)
	case FieldNameKana:
		return str(&p.NameKana)
	case FieldAddress:
		return str(&p.Address)
	case FieldPostalCode:
		return str(&p.PostalCode)
	case FieldAge:
		var v int
		if json.Unmarshal(raw, &v) != nil {
			return false
		}
		p.Age = &v
		return true
	case FieldBirthDate:
		return str(&p.BirthDate)
	case FieldSex:
		var v string
		if !str(&v) {
			return false
		}
		p.Sex = Sex(v)
		return true
	case FieldPhone:
		return str(&p.Phone)
	case FieldEmail:
		return str(&p.Email)
	case FieldCompanionName, FieldCompanionNameKana:
		var v []string
		if json.Unmarshal(raw, &v) != nil || len(v) != n {
			return false
		}
		for i := range v {
			if f == FieldCompanionName {
				a.Companions[i].Name = v[i]
			} else {
				a.Companions[i].NameKana = v[i]
			}
		}
		return true
	case FieldCompanionAge:
		var v []*int
		if json.Unmarshal(raw, &v) != nil || len(v) != n {
			return false
		}
		for i := range v {
			a.Companions[i].Age = v[i]
		}
		return true
	case FieldCompanionInfant:
		var v []bool
		if json.Unmarshal(raw, &v) != nil || len(v) != n {
			return false
		}
		for i := range v {
			a.Companions[i].Infant = v[i]
		}
		return true
	}
	if strings.HasPrefix(string(f), "x.") {
		var v string
		if !str(&v) {
			return false
		}
		if p.Extra == nil {
			p.Extra = map[Field]string{}
		}
		p.Extra[f] = v
		return true
	}
	return false
}

// PersonalData returns the card's personal values as one canonical
// [Plaintext] under the schema's contact-card class.
func (c *ContactCard) PersonalData(s *Schema) (map[DataClass]Plaintext, error) {
	cs, err := s.compile()
	if err != nil {
		return nil, err
	}
	vals := map[Field]json.RawMessage{}
	var errs Errors
	for _, fv := range []struct {
		f Field
		v string
	}{{FieldCardName, c.Name}, {FieldCardPhone, c.Phone}, {FieldCardSeat, c.Seat}} {
		if fv.v == "" {
			continue
		}
		if !cs.collects(fv.f) {
			errs = append(errs, newError(fv.f, 0, ReasonNotCollected))
			continue
		}
		vals[fv.f] = mustJSON(fv.v)
	}
	if len(errs) > 0 {
		return nil, errs
	}
	if cs.cardClass == "" {
		return nil, Errors{newError(FieldCardName, 0, ReasonNotCollected)}
	}
	return cs.encodeClasses(map[DataClass]map[Field]json.RawMessage{cs.cardClass: vals}, true)
}

// RestoreCard rebuilds a contact card from its summary and decrypted blob.
func (s *Schema) RestoreCard(sum CardSummary, personal map[DataClass][]byte) (*ContactCard, error) {
	cs, err := s.compile()
	if err != nil {
		return nil, err
	}
	card := &ContactCard{CardSummary: sum}
	for class, data := range personal {
		fields, err := cs.decodeBlob(class, data, true)
		if err != nil {
			return nil, err
		}
		for f, raw := range fields {
			var dst *string
			switch f {
			case FieldCardName:
				dst = &card.Name
			case FieldCardPhone:
				dst = &card.Phone
			case FieldCardSeat:
				dst = &card.Seat
			}
			if dst == nil || json.Unmarshal(raw, dst) != nil {
				return nil, newError(f, 0, ReasonPersonalData)
			}
		}
	}
	return card, nil
}
