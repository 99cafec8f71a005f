package retention

import (
	"bytes"
	"fmt"
	"io"
	"strconv"
)

// certLabels holds a certificate's fixed text in one language.
type certLabels struct {
	title, id, issued, ward, event, eventFmt, performedBy, personFmt string
	statement, erased, classFmt, rule, deadline, records, recordsFmt string
	ids                                                              map[IDKind]string
	rangeFmt, none, digest, keyDestroyed, rowsDeleted                string
	verification, verifiedFmt                                        string
	method, category, categoryText                                   string
	techniques                                                       []string
	tool, period, periodFmt, aboutDigest, digestHowTo, certDigest    string
	colon                                                            string
}

var certText = map[Lang]certLabels{
	Japanese: {
		title:        "消去証明書",
		id:           "証明書番号",
		issued:       "発行日時",
		ward:         "提出先",
		event:        "事業",
		eventFmt:     "%s（イベントID：%s）",
		performedBy:  "実施者（取扱責任者）",
		personFmt:    "%s（%s、アカウントID：%s）",
		statement:    "上記事業において取り扱った個人情報を、下記のとおり消去したことを証明します。",
		erased:       "■ 消去した情報",
		classFmt:     "%d. データ区分 %s",
		rule:         "保存期間",
		deadline:     "消去期限",
		records:      "件数",
		recordsFmt:   "%d件",
		ids:          map[IDKind]string{IDReceipt: "受付番号", IDRecord: "レコードID"},
		rangeFmt:     "%s 〜 %s",
		none:         "なし",
		digest:       "識別子一覧のSHA-256",
		keyDestroyed: "データ鍵の破棄",
		rowsDeleted:  "削除した行数",
		verification: "検証",
		verifiedFmt:  "%sに読み戻し、データ鍵の破棄と残存レコード0件を確認",
		method:       "■ 消去方法",
		category:     "区分",
		categoryText: "除去（Purge、NIST SP 800-88 Rev. 1）",
		techniques: []string{
			"1. 暗号消去：データ区分ごとのAES-256-GCMデータ鍵を鍵ストアから破棄（データベースのバックアップを含む全ての複製が復号できなくなります）",
			"2. 削除：データベースから該当する行と暗号化データを削除",
			"3. 領域の回収：削除した行が残る空き領域やログをストレージから消去（圧縮）",
		},
		tool:        "使用ツール",
		period:      "実施期間",
		periodFmt:   "%s 〜 %s",
		aboutDigest: "■ 識別子一覧のSHA-256について",
		digestHowTo: "識別子を重複なくバイト順に並べ、各行を改行（LF）で終えた一覧のSHA-256です。LC_ALL=C sort -u ids.txt | sha256sum で再計算できます。",
		certDigest:  "証明書データ（JSON）のSHA-256",
		colon:       "：",
	},
	English: {
		title:        "Certificate of Erasure",
		id:           "Certificate",
		issued:       "Issued",
		ward:         "For",
		event:        "Event",
		eventFmt:     "%s (event ID %s)",
		performedBy:  "Performed by (responsible person)",
		personFmt:    "%s, %s (account ID %s)",
		statement:    "This certifies that the personal data handled for the event above was erased as follows.",
		erased:       "Data erased",
		classFmt:     "%d. Data class %s",
		rule:         "Retention rule",
		deadline:     "Deadline",
		records:      "Records",
		recordsFmt:   "%d",
		ids:          map[IDKind]string{IDReceipt: "Receipt numbers", IDRecord: "Record IDs"},
		rangeFmt:     "%s to %s",
		none:         "none",
		digest:       "SHA-256 of the IDs",
		keyDestroyed: "Data key destroyed",
		rowsDeleted:  "Rows deleted",
		verification: "Verification",
		verifiedFmt:  "read back at %s: data key destroyed, 0 records remaining",
		method:       "Method",
		category:     "Category",
		categoryText: "Purge (NIST SP 800-88 Rev. 1)",
		techniques: []string{
			"1. Cryptographic erase: the AES-256-GCM data key of each data class destroyed in the key store (every copy, database backups included, becomes unreadable)",
			"2. Deletion: the rows and their encrypted data deleted from the database",
			"3. Compaction: the free space and logs that held the deleted rows cleared from the storage",
		},
		tool:        "Tool",
		period:      "Performed",
		periodFmt:   "%s to %s",
		aboutDigest: "About the SHA-256 of the IDs",
		digestHowTo: "It is the SHA-256 of the distinct IDs sorted by their bytes, one per line, each line ending in a line feed (LF). Recompute it with: LC_ALL=C sort -u ids.txt | sha256sum",
		certDigest:  "SHA-256 of the certificate data (JSON)",
		colon:       ": ",
	},
}

// WriteText renders the certificate as plain text in lang: UTF-8, LF line
// endings, no trailing white space, so that it clear-signs as it reads.
// Times are in Japan. The last line states the SHA-256 of
// [Certificate.JSON], so a signature over the text covers the JSON too.
func (c *Certificate) WriteText(w io.Writer, lang Lang) error {
	text, err := c.Text(lang)
	if err != nil {
		return err
	}
	_, err = w.Write(text)
	return err
}

// Text returns [Certificate.WriteText]'s output.
func (c *Certificate) Text(lang Lang) ([]byte, error) {
	lb, ok := certText[lang]
	if !ok {
		return nil, ErrLang
	}
	digest, err := c.Digest()
	if err != nil {
		return nil, err
	}
	var b bytes.Buffer
	line := func(indent, label, value string) {
		fmt.Fprintf(&b, "%s%s%s%s\n", indent, label, lb.colon, value)
	}
	b.WriteString(lb.title + "\n\n")
	line("", lb.id, c.ID)
	line("", lb.issued, instant(c.Issued, lang))
	line("", lb.ward, c.Ward)
	line("", lb.event, fmt.Sprintf(lb.eventFmt, c.EventName, c.Event))
	line("", lb.performedBy, fmt.Sprintf(lb.personFmt, c.PerformedBy.Name, c.PerformedBy.Organisation, c.PerformedBy.Actor))
	b.WriteString("\n" + lb.statement + "\n\n" + lb.erased + "\n")
	const in = "   "
	for i, cl := range c.Classes {
		fmt.Fprintf(&b, lb.classFmt+"\n", i+1, cl.Class)
		line(in, lb.rule, describe(cl.Rule, lang))
		line(in, lb.deadline, deadlineText(cl.Deadline, lang))
		line(in, lb.records, fmt.Sprintf(lb.recordsFmt, cl.Records))
		ids := lb.none
		if cl.Records > 0 {
			ids = fmt.Sprintf(lb.rangeFmt, cl.FirstID, cl.LastID)
		}
		line(in, lb.ids[cl.IDKind], ids)
		line(in, lb.digest, cl.IDDigest.String())
		line(in, lb.keyDestroyed, instant(cl.KeyDestroyed, lang))
		line(in, lb.rowsDeleted, strconv.FormatInt(cl.RowsDeleted, 10))
		line(in, lb.verification, fmt.Sprintf(lb.verifiedFmt, instant(cl.Verified, lang)))
	}
	b.WriteString("\n" + lb.method + "\n")
	line(in, lb.category, lb.categoryText)
	for _, t := range lb.techniques {
		b.WriteString(in + t + "\n")
	}
	line(in, lb.tool, c.Tool.Name+" "+c.Tool.Version)
	line(in, lb.period, fmt.Sprintf(lb.periodFmt, instant(c.Started, lang), instant(c.Finished, lang)))
	b.WriteString("\n" + lb.aboutDigest + "\n" + in + lb.digestHowTo + "\n\n")
	line("", lb.certDigest, digest.String())
	return b.Bytes(), nil
}
