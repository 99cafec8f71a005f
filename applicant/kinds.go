package applicant

// Purpose names a reason for processing personal data that the event declares
// to the people it collects from (利用目的). A field may be used only for the
// purposes its schema rule lists.
type Purpose string

// The purposes of the two reference events. An event may declare others.
const (
	// PurposeReception is receiving and managing applications (申込みの受付・管理),
	// including eligibility and duplicate checks.
	PurposeReception Purpose = "reception"
	// PurposeInsurance is enrolling participants in the event's accident
	// insurance (傷害保険の加入手続き); the insurer is a third-party recipient.
	PurposeInsurance Purpose = "insurance"
	// PurposeNotification is sending guidance and lottery results (参加案内・抽選結果の通知).
	PurposeNotification Purpose = "notification"
	// PurposeCheckIn is the reception desk on the day (当日受付).
	PurposeCheckIn Purpose = "check-in"
	// PurposeStatistics is counting for the event report (事業実施報告); it sees
	// no identifying field.
	PurposeStatistics Purpose = "statistics"
	// PurposeLottery is the draw (抽選); it sees only pseudonymous fields.
	PurposeLottery Purpose = "lottery"
	// PurposeInfectionTracing is contacting walk-in groups when a cluster
	// occurs (感染拡大防止のための連絡); it is the only purpose contact cards serve.
	PurposeInfectionTracing Purpose = "infection-tracing"
	// PurposeReturnToWard is handing every record back to the ward when the
	// contract ends (資料等の返還).
	PurposeReturnToWard Purpose = "return-to-ward"
)

// DataClass groups fields that are sealed together under one data key and
// share one retention rule: destroying the class's key makes all of them
// unreadable at once.
type DataClass string

// The data classes of the reference events.
const (
	// ClassApplication holds everything an application collects.
	ClassApplication DataClass = "application"
	// ClassContactCard holds walk-in contact cards (連絡先カード), readable only
	// for [PurposeInfectionTracing] and destroyed one month after the event.
	ClassContactCard DataClass = "contact-card"
)

// Channel is how a record reached the event.
type Channel string

// The channels kuji knows.
const (
	// ChannelWeb is the online form (PC or smartphone).
	ChannelWeb Channel = "web"
	// ChannelPostcard is a postcard typed in by the contractor.
	ChannelPostcard Channel = "postcard"
	// ChannelWalkIn is a contact card filled in on site by a walk-in group.
	ChannelWalkIn Channel = "walk-in"
)

func (c Channel) known() bool {
	return c == ChannelWeb || c == ChannelPostcard || c == ChannelWalkIn
}

// ParticipantCategory is the applicant's tie to the ward (参加者区分).
type ParticipantCategory string

// The participant categories.
const (
	// Resident lives in the ward (区内在住).
	Resident ParticipantCategory = "resident"
	// Worker works in the ward (区内在勤).
	Worker ParticipantCategory = "worker"
	// Student studies in the ward (区内在学).
	Student ParticipantCategory = "student"
)

// Japanese returns the category as the ward writes it.
func (c ParticipantCategory) Japanese() string {
	switch c {
	case Resident:
		return "区内在住"
	case Worker:
		return "区内在勤"
	case Student:
		return "区内在学"
	}
	return string(c)
}

// Sex is the answer to the sex question (性別), as a code.
type Sex string

// The answers kuji accepts; the empty Sex means the question was not answered.
const (
	Male     Sex = "male"
	Female   Sex = "female"
	Other    Sex = "other"
	Unstated Sex = "unstated"
)

// Outcome is an application's lottery outcome as the Office records it.
type Outcome string

// The outcomes. The empty Outcome means the draw has not happened.
const (
	Won        Outcome = "won"
	Lost       Outcome = "lost"
	Waitlisted Outcome = "waitlisted"
)
