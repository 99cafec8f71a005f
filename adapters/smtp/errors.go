package smtp

import (
	"context"
	"errors"
	"fmt"
	"strings"
)

// ErrClosed is returned (wrapped in a [*SendError]) by Notify after the
// notifier was closed.
var ErrClosed = errors.New("kuji/smtp: notifier closed")

// Reason is the machine-readable code of a [*FieldError] or a [*SendError],
// and of the reason the [Dispatcher] records on an outbox message.
type Reason string

// Reasons a notification or a template's content is refused ([*FieldError]).
const (
	// ReasonMissing: a required field is empty.
	ReasonMissing Reason = "missing"
	// ReasonNoRecipient: the notification names no recipient address.
	ReasonNoRecipient Reason = "no-recipient"
	// ReasonSeveralRecipients: the notification names more than one
	// address (an address list or a group in one string). One message goes
	// to exactly one person, so that no applicant ever sees another's
	// address.
	ReasonSeveralRecipients Reason = "several-recipients"
	// ReasonInvalidAddress: not a bare RFC 5322 address (user@domain); a
	// display name is refused too, since the message needs no name.
	ReasonInvalidAddress Reason = "invalid-address"
	// ReasonControlCharacter: a one-line field holds a line break or another
	// control character.
	ReasonControlCharacter Reason = "control-character"
	// ReasonUnknownLanguage: the language is neither ja nor en.
	ReasonUnknownLanguage Reason = "unknown-language"
	// ReasonUnknownKind: no template exists for the kind of message.
	ReasonUnknownKind Reason = "unknown-kind"
	// ReasonUnknownCharset: [Options.Charset] is neither UTF-8 nor
	// ISO-2022-JP.
	ReasonUnknownCharset Reason = "unknown-charset"
)

// Reasons a message was not, or may not have been, delivered
// ([*SendError]). [SendError.Class] tells what each means for a retry.
const (
	// ReasonConnect: the server could not be reached or did not greet
	// (Temporary).
	ReasonConnect Reason = "connect-failed"
	// ReasonStartTLSUnavailable: the server does not offer STARTTLS and
	// plaintext was not explicitly allowed (Temporary).
	ReasonStartTLSUnavailable Reason = "starttls-unavailable"
	// ReasonTLS: the TLS handshake failed, e.g. the certificate does not
	// verify (Temporary).
	ReasonTLS Reason = "tls-failed"
	// ReasonAuth: authentication failed or no usable mechanism is offered
	// (Temporary).
	ReasonAuth Reason = "auth-failed"
	// ReasonDeferred: the server answered 4xx to MAIL, RCPT, DATA or the end
	// of data (Temporary).
	ReasonDeferred Reason = "deferred"
	// ReasonRejected: the server answered 5xx: the message is refused for
	// good (Permanent; the outbox marks it bounced).
	ReasonRejected Reason = "rejected"
	// ReasonConnectionLost: the connection failed before the end of the
	// message was sent, so the server cannot have accepted it (Temporary).
	ReasonConnectionLost Reason = "connection-lost"
	// ReasonAmbiguous: the connection failed after the end of the message
	// was sent and before the server's reply: the server may have accepted
	// it (Ambiguous; never retried automatically).
	ReasonAmbiguous Reason = "ambiguous-delivery"
	// ReasonCanceled: the context ended before the server could have
	// accepted the message (Temporary).
	ReasonCanceled Reason = "canceled"
	// ReasonWriteFailed: the message could not be composed, or its .eml
	// file could not be written (Temporary).
	ReasonWriteFailed Reason = "write-failed"
	// ReasonNotifierClosed: Notify was called after Close (Temporary).
	ReasonNotifierClosed Reason = "notifier-closed"
)

// Reasons the [Dispatcher] records on outbox messages besides the codes of
// the errors above.
const (
	// ReasonTooManyAttempts: temporary failures went on until the attempt
	// limit.
	ReasonTooManyAttempts Reason = "too-many-attempts"
	// ReasonRenderFailed: the Render callback failed with an error that may
	// pass (the message is retried).
	ReasonRenderFailed Reason = "render-failed"
	// ReasonRenderRefused: the Render callback was refused for good: the
	// application or its data is gone (erased, key destroyed) or the
	// notification purpose is not permitted.
	ReasonRenderRefused Reason = "render-refused"
	// ReasonInvalidNotification: Render returned a notification that does
	// not validate (see the [*FieldError] codes).
	ReasonInvalidNotification Reason = "invalid-notification"
	// ReasonWrongKey: Render returned a notification for another outbox
	// message.
	ReasonWrongKey Reason = "wrong-key"
)

// FieldError reports one field of a [Notification] or of a template's
// [Content] that is refused. It never holds the field's value: a refused
// address is not echoed.
type FieldError struct {
	// Key is the outbox key of the notification, empty for Content.
	Key string
	// Field names the field: To, Subject, Body, Key, Lang, Kind for a
	// Notification; Kind, Event, Receipt, Slots[i], Deadline, Contact for
	// Content.
	Field string
	// Reason says why.
	Reason Reason
}

// Code returns the machine-readable reason.
func (e *FieldError) Code() string { return string(e.Reason) }

// Error returns the English message prefixed by the package and code.
func (e *FieldError) Error() string { return "kuji/smtp: " + e.Code() + ": " + e.English() }

// English describes the refusal in English.
func (e *FieldError) English() string {
	where := e.Field
	if e.Key != "" {
		where = "notification " + e.Key + ", " + e.Field
	}
	switch e.Reason {
	case ReasonMissing:
		return where + ": required but empty"
	case ReasonNoRecipient:
		return where + ": no recipient address"
	case ReasonSeveralRecipients:
		return where + ": several addresses; a message goes to exactly one recipient"
	case ReasonInvalidAddress:
		return where + ": not a bare e-mail address (user@domain, without a name)"
	case ReasonControlCharacter:
		return where + ": contains a line break or another control character"
	case ReasonUnknownLanguage:
		return where + ": unknown language (use ja or en)"
	case ReasonUnknownKind:
		return where + ": no template for this kind of message"
	case ReasonUnknownCharset:
		return where + ": unknown charset (use UTF-8 or ISO-2022-JP)"
	}
	return where + ": refused (" + string(e.Reason) + ")"
}

// Japanese describes the refusal in Japanese.
func (e *FieldError) Japanese() string {
	where := "項目 " + e.Field
	if e.Key != "" {
		where = "通知 " + e.Key + " の項目 " + e.Field
	}
	switch e.Reason {
	case ReasonMissing:
		return where + "は必須ですが空です"
	case ReasonNoRecipient:
		return where + "に宛先のメールアドレスがありません"
	case ReasonSeveralRecipients:
		return where + "に複数のアドレスがあります。1通のメールの宛先は1人だけです"
	case ReasonInvalidAddress:
		return where + "はメールアドレス（名前なしの user@domain）の形式ではありません"
	case ReasonControlCharacter:
		return where + "に改行または制御文字が含まれています"
	case ReasonUnknownLanguage:
		return where + "の言語が不明です（ja または en を指定してください）"
	case ReasonUnknownKind:
		return where + "の種類に対応するテンプレートがありません"
	case ReasonUnknownCharset:
		return where + "の文字コードが不明です（UTF-8 または ISO-2022-JP を指定してください）"
	}
	return where + "は受け付けられません（" + string(e.Reason) + "）"
}

// FieldErrors holds every field refused by one validation, so that all of
// them are reported together. errors.As finds each [*FieldError] through
// Unwrap.
type FieldErrors []*FieldError

// Code returns "invalid-notification".
func (es FieldErrors) Code() string { return string(ReasonInvalidNotification) }

// Error lists the English messages.
func (es FieldErrors) Error() string {
	parts := make([]string, len(es))
	for i, e := range es {
		parts[i] = e.Error()
	}
	return strings.Join(parts, "; ")
}

// English lists the English messages.
func (es FieldErrors) English() string {
	parts := make([]string, len(es))
	for i, e := range es {
		parts[i] = e.English()
	}
	return strings.Join(parts, "; ")
}

// Japanese lists the Japanese messages.
func (es FieldErrors) Japanese() string {
	parts := make([]string, len(es))
	for i, e := range es {
		parts[i] = e.Japanese()
	}
	return strings.Join(parts, "。")
}

// Unwrap returns the individual errors.
func (es FieldErrors) Unwrap() []error {
	out := make([]error, len(es))
	for i, e := range es {
		out[i] = e
	}
	return out
}

// Class says what a send failure means for the message.
type Class int

// The classes of send failures.
const (
	// Temporary: the server has certainly not accepted the message; it may
	// be sent again later.
	Temporary Class = iota + 1
	// Permanent: the server refused the message for good (5xx). The outbox
	// marks it bounced.
	Permanent
	// Ambiguous: the server may have accepted the message. Sending it again
	// could deliver it twice, so it is left for a person to check.
	Ambiguous
)

// String returns "temporary", "permanent" or "ambiguous".
func (c Class) String() string {
	switch c {
	case Temporary:
		return "temporary"
	case Permanent:
		return "permanent"
	case Ambiguous:
		return "ambiguous"
	}
	return fmt.Sprintf("Class(%d)", int(c))
}

// SendError reports a message that was not, or may not have been,
// delivered. It never holds the recipient's address nor the server's reply
// text (which often repeats the address); only the reply codes.
type SendError struct {
	// Key is the outbox key of the notification.
	Key string
	// Reason says what happened.
	Reason Reason
	// ReplyCode is the SMTP reply code (e.g. 451, 550), 0 when there was
	// no reply.
	ReplyCode int
	// EnhancedCode is the enhanced status code of the reply (e.g. "5.1.1"),
	// when the server gave one.
	EnhancedCode string

	cause error // only context errors and ErrClosed, for errors.Is
}

// Class tells whether the message may be retried, was refused for good, or
// may have been delivered.
func (e *SendError) Class() Class {
	switch e.Reason {
	case ReasonRejected:
		return Permanent
	case ReasonAmbiguous:
		return Ambiguous
	}
	return Temporary
}

// Unwrap returns context.Canceled, context.DeadlineExceeded or [ErrClosed]
// when one of them caused the failure, and nil otherwise.
func (e *SendError) Unwrap() error { return e.cause }

// Code returns the machine-readable reason.
func (e *SendError) Code() string { return string(e.Reason) }

// Error returns the English message prefixed by the package and code.
func (e *SendError) Error() string { return "kuji/smtp: " + e.Code() + ": " + e.English() }

func (e *SendError) reply() string {
	switch {
	case e.ReplyCode != 0 && e.EnhancedCode != "":
		return fmt.Sprintf(" (%d %s)", e.ReplyCode, e.EnhancedCode)
	case e.ReplyCode != 0:
		return fmt.Sprintf(" (%d)", e.ReplyCode)
	}
	return ""
}

// English describes the failure in English.
func (e *SendError) English() string {
	msg := "message " + e.Key
	switch e.Reason {
	case ReasonConnect:
		return msg + ": could not connect to the mail server" + e.reply()
	case ReasonStartTLSUnavailable:
		return msg + ": the mail server does not offer STARTTLS, and plaintext is not allowed"
	case ReasonTLS:
		return msg + ": the TLS handshake with the mail server failed"
	case ReasonAuth:
		return msg + ": authentication with the mail server failed" + e.reply()
	case ReasonDeferred:
		return msg + ": the mail server deferred the message; it may be retried" + e.reply()
	case ReasonRejected:
		return msg + ": the mail server refused the message for good" + e.reply()
	case ReasonConnectionLost:
		return msg + ": the connection failed before the message was complete; it was not delivered"
	case ReasonAmbiguous:
		return msg + ": the connection failed after the whole message was sent and before the server's reply; it may have been delivered"
	case ReasonCanceled:
		return msg + ": canceled before the message could be delivered"
	case ReasonWriteFailed:
		return msg + ": the message or its .eml file could not be written"
	case ReasonNotifierClosed:
		return msg + ": the notifier is closed"
	}
	return msg + ": not delivered (" + string(e.Reason) + ")" + e.reply()
}

// Japanese describes the failure in Japanese.
func (e *SendError) Japanese() string {
	msg := "メッセージ " + e.Key + ": "
	switch e.Reason {
	case ReasonConnect:
		return msg + "メールサーバーに接続できませんでした" + e.reply()
	case ReasonStartTLSUnavailable:
		return msg + "メールサーバーが STARTTLS に対応しておらず、平文での送信は許可されていません"
	case ReasonTLS:
		return msg + "メールサーバーとの TLS ハンドシェイクに失敗しました"
	case ReasonAuth:
		return msg + "メールサーバーでの認証に失敗しました" + e.reply()
	case ReasonDeferred:
		return msg + "メールサーバーが一時的に受け付けませんでした。再送できます" + e.reply()
	case ReasonRejected:
		return msg + "メールサーバーが受け付けを拒否しました（恒久的エラー）" + e.reply()
	case ReasonConnectionLost:
		return msg + "メッセージを送り終える前に接続が切れました。配信されていません"
	case ReasonAmbiguous:
		return msg + "メッセージを送り終えた後、サーバーの応答を受け取る前に接続が切れました。配信された可能性があります"
	case ReasonCanceled:
		return msg + "配信される前に中止されました"
	case ReasonWriteFailed:
		return msg + "メッセージまたは .eml ファイルを書き込めませんでした"
	case ReasonNotifierClosed:
		return msg + "通知手段は既に閉じられています"
	}
	return msg + "配信されませんでした（" + string(e.Reason) + "）" + e.reply()
}

// ClassOf classifies an error returned by a [Notifier]: a [*SendError]
// gives its own class; a refused notification ([*FieldError]) is Permanent,
// since sending it again cannot help; a context error is Temporary; any
// other error is Ambiguous, because nothing says the message was not
// delivered — a Notifier that wants its failures retried returns a
// *SendError.
func ClassOf(err error) Class {
	var se *SendError
	var fe *FieldError
	switch {
	case errors.As(err, &se):
		return se.Class()
	case errors.As(err, &fe):
		return Permanent
	case errors.Is(err, context.Canceled), errors.Is(err, context.DeadlineExceeded):
		return Temporary
	}
	return Ambiguous
}
