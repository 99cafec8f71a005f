package retention_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"time"

	"github.com/kuji-go/kuji/retention"
)

func ExamplePolicy() {
	// The live site: walk-in contact cards are destroyed one month after
	// the event, application data when the event report is submitted.
	policy, err := retention.NewPolicy(
		retention.Rule{Class: "contact-card", Trigger: retention.TriggerEventEnd, Delay: retention.Delay{Months: 1}},
		retention.Rule{Class: "application", Trigger: retention.TriggerReportSubmitted},
	)
	if err != nil {
		panic(err)
	}
	for _, r := range policy.Rules() {
		fmt.Printf("%s: %s / %s\n", r.Class, r.Japanese(), r.English())
	}

	jst := time.FixedZone("JST", 9*60*60)
	m := retention.Milestones{EventEnd: time.Date(2025, 1, 31, 21, 0, 0, 0, jst)}
	for _, now := range []time.Time{
		time.Date(2025, 2, 28, 23, 59, 59, 0, jst),
		time.Date(2025, 3, 1, 0, 0, 0, 0, jst),
	} {
		err := policy.Check("contact-card", m, now)
		fmt.Println(now.Format("2006-01-02 15:04:05"), "expired:", errors.Is(err, retention.ErrRetentionExpired))
	}
	// Output:
	// application: 事業実施報告書の提出時 / when the event report is submitted
	// contact-card: イベント終了の1か月後 / one month after the event ends
	// 2025-02-28 23:59:59 expired: false
	// 2025-03-01 00:00:00 expired: true
}

func ExamplePolicy_Plan() {
	policy, _ := retention.NewPolicy(
		retention.Rule{Class: "contact-card", Trigger: retention.TriggerEventEnd, Delay: retention.Delay{Months: 1}},
		retention.Rule{Class: "application", Trigger: retention.TriggerReportSubmitted},
	)
	jst := time.FixedZone("JST", 9*60*60)
	m := retention.Milestones{EventEnd: time.Date(2028, 1, 31, 21, 0, 0, 0, jst)}
	now := time.Date(2028, 2, 20, 9, 0, 0, 0, jst)
	plan, err := policy.Plan(now, m, map[string]int64{"application": 10000, "contact-card": 4812})
	if err != nil {
		panic(err)
	}
	if err := plan.WriteText(os.Stdout, retention.English); err != nil {
		panic(err)
	}
	// Output:
	// Retention plan as of 20 February 2028 09:00:00 JST (a dry run; nothing was changed)
	//
	// contact-card: scheduled for erasure (4812 records)
	//   rule: one month after the event ends
	//   deadline: end of 29 February 2028 (24:00 JST)
	//
	// application: deadline not yet known (10000 records)
	//   rule: when the event report is submitted
	//   why: the event report has not been submitted
}

// mapEraser is a toy store and key store: the Office implements
// retention.Eraser over its real ones.
type mapEraser struct {
	keys map[string]bool
	rows map[string][]string
}

func (m *mapEraser) Inspect(_ context.Context, class string) (retention.Inspection, error) {
	return retention.Inspection{KeyDestroyed: !m.keys[class], IDKind: retention.IDReceipt, IDs: m.rows[class]}, nil
}

func (m *mapEraser) DestroyKey(_ context.Context, class string) error {
	m.keys[class] = false
	return nil
}

func (m *mapEraser) Delete(_ context.Context, class string) (int64, error) {
	n := int64(len(m.rows[class]))
	delete(m.rows, class)
	return n, nil
}

func (m *mapEraser) Compact(context.Context) error { return nil }

func ExampleCertificate() {
	// The city walk: all application data goes when the event report is
	// submitted.
	policy, _ := retention.NewPolicy(retention.Rule{Class: "application", Trigger: retention.TriggerReportSubmitted})
	jst := time.FixedZone("JST", 9*60*60)
	submitted := time.Date(2025, 11, 28, 16, 0, 0, 0, jst)
	plan, _ := policy.Plan(submitted, retention.Milestones{ReportSubmitted: submitted}, map[string]int64{"application": 3})

	er, err := retention.NewErasure(plan, retention.Request{
		ID:          "cw2025-erasure-1",
		Event:       "cw2025",
		EventName:   "しんじゅくシティウォーク2025",
		Ward:        "新宿区",
		PerformedBy: retention.Person{Actor: "resp-01", Name: "山田 花子", Organisation: "株式会社イベント・サンプル"},
		Tool:        retention.Tool{Name: "kuji", Version: "v1.0.0"},
	})
	if err != nil {
		panic(err)
	}
	eraser := &mapEraser{
		keys: map[string]bool{"application": true},
		rows: map[string][]string{"application": {"CW-0003", "CW-0001", "CW-0002"}},
	}
	clock := submitted.Add(time.Hour)
	now := func() time.Time { clock = clock.Add(time.Second); return clock }
	done, err := retention.Apply(context.Background(), eraser, er, now)
	if err != nil {
		panic(err)
	}
	cert, err := done.Certificate(time.Date(2025, 11, 28, 18, 0, 0, 0, jst))
	if err != nil {
		panic(err)
	}
	// The IDs' digest is what printf 'CW-0001\nCW-0002\nCW-0003\n' | sha256sum
	// prints; the last line is the SHA-256 of cert.JSON().
	if err := cert.WriteText(os.Stdout, retention.Japanese); err != nil {
		panic(err)
	}
	// Output:
	// 消去証明書
	//
	// 証明書番号：cw2025-erasure-1
	// 発行日時：2025年11月28日 18:00:00（日本時間）
	// 提出先：新宿区
	// 事業：しんじゅくシティウォーク2025（イベントID：cw2025）
	// 実施者（取扱責任者）：山田 花子（株式会社イベント・サンプル、アカウントID：resp-01）
	//
	// 上記事業において取り扱った個人情報を、下記のとおり消去したことを証明します。
	//
	// ■ 消去した情報
	// 1. データ区分 application
	//    保存期間：事業実施報告書の提出時
	//    消去期限：2025年11月28日 16:00:00（日本時間）
	//    件数：3件
	//    受付番号：CW-0001 〜 CW-0003
	//    識別子一覧のSHA-256：cee1ca91810748ba78065a2fe972a225e11d14d57a8236d8b2b4cc548f43f0e3
	//    データ鍵の破棄：2025年11月28日 17:00:03（日本時間）
	//    削除した行数：3
	//    検証：2025年11月28日 17:00:05（日本時間）に読み戻し、データ鍵の破棄と残存レコード0件を確認
	//
	// ■ 消去方法
	//    区分：除去（Purge、NIST SP 800-88 Rev. 1）
	//    1. 暗号消去：データ区分ごとのAES-256-GCMデータ鍵を鍵ストアから破棄（データベースのバックアップを含む全ての複製が復号できなくなります）
	//    2. 削除：データベースから該当する行と暗号化データを削除
	//    3. 領域の回収：削除した行が残る空き領域やログをストレージから消去（圧縮）
	//    使用ツール：kuji v1.0.0
	//    実施期間：2025年11月28日 17:00:01（日本時間） 〜 2025年11月28日 17:00:06（日本時間）
	//
	// ■ 識別子一覧のSHA-256について
	//    識別子を重複なくバイト順に並べ、各行を改行（LF）で終えた一覧のSHA-256です。LC_ALL=C sort -u ids.txt | sha256sum で再計算できます。
	//
	// 証明書データ（JSON）のSHA-256：f97e0e438d1e14be892d79be8f964bf25881510f8b471d0f3ecbc266aa367fe6
}
