package retention

import (
	"fmt"
	"io"
	"log/slog"
)

// redacted stands in for a personal value in fmt and slog output.
const redacted = "[redacted]"

// String describes p without the name.
func (p Person) String() string {
	return fmt.Sprintf("Person{Actor:%s Name:%s Organisation:%s}", p.Actor, redacted, p.Organisation)
}

// Format prints [Person.String] for every verb (%v, %+v, %#v, %s, %q,
// ...), so no verb prints the name; structs holding a Person (a
// [Request], an [Erasure], a [Certificate]) print it this way too.
func (p Person) Format(f fmt.State, _ rune) { _, _ = io.WriteString(f, p.String()) }

// LogValue gives slog the person without the name.
func (p Person) LogValue() slog.Value {
	return slog.GroupValue(
		slog.String("actor", p.Actor),
		slog.String("name", redacted),
		slog.String("organisation", p.Organisation),
	)
}

// LogValue gives slog the request without the performer's name.
func (r Request) LogValue() slog.Value {
	return slog.GroupValue(
		slog.String("id", r.ID),
		slog.String("event", r.Event),
		slog.Any("performed_by", r.PerformedBy),
		slog.String("tool", r.Tool.Name+" "+r.Tool.Version),
	)
}

// LogValue gives slog the erasure's progress without the performer's name.
func (er Erasure) LogValue() slog.Value {
	attrs := []slog.Attr{
		slog.String("id", er.ID),
		slog.String("event", er.Event),
		slog.Any("performed_by", er.PerformedBy),
		slog.Any("classes", er.classNames()),
		slog.Int("runs", er.Runs),
		slog.Bool("complete", er.Complete()),
	}
	if er.Failure != nil {
		attrs = append(attrs, slog.String("failed_step", string(er.Failure.Step)), slog.String("failed_class", er.Failure.Class))
	}
	return slog.GroupValue(attrs...)
}

// LogValue gives slog the certificate without the performer's name.
func (c Certificate) LogValue() slog.Value {
	names := make([]string, len(c.Classes))
	for i, cl := range c.Classes {
		names[i] = cl.Class
	}
	return slog.GroupValue(
		slog.String("id", c.ID),
		slog.String("event", c.Event),
		slog.Any("performed_by", c.PerformedBy),
		slog.Any("classes", names),
		slog.Int64("records", c.Records()),
		slog.Time("issued", c.Issued),
	)
}

// LogValue gives slog the bundle's certificate without the performer's
// name, and whether it is signed and proven.
func (b Bundle) LogValue() slog.Value {
	attrs := []slog.Attr{slog.Bool("signed", b.Signed != ""), slog.Bool("proof", b.Proof != nil)}
	if b.Certificate != nil {
		attrs = append(attrs, slog.Any("certificate", b.Certificate))
	}
	return slog.GroupValue(attrs...)
}

// Format prints the bundle as its [Bundle.LogValue] would show it, for
// every verb: the signed text states the performer's name and is never
// printed.
func (b Bundle) Format(f fmt.State, _ rune) {
	id, event := "", ""
	if b.Certificate != nil {
		id, event = b.Certificate.ID, b.Certificate.Event
	}
	_, _ = fmt.Fprintf(f, "Bundle{Certificate:%s Event:%s Signed:%t Proof:%t}", id, event, b.Signed != "", b.Proof != nil)
}
