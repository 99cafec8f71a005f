package smtp_test

import (
	"fmt"
	"time"

	"github.com/kuji-go/kuji/adapters/smtp"
)

// A win in Japanese. The deadline is given in UTC and printed in Japan
// Standard Time (08:00 UTC is 17:00 JST); the message names no person.
func ExampleRender() {
	subject, body, err := smtp.Render(smtp.LangJa, smtp.Content{
		Kind:     smtp.KindWon,
		Event:    "しんじゅくシティウォーク2026",
		Receipt:  "R-000123",
		Slots:    []string{"10月18日（日）Aコース 9:00スタート"},
		Deadline: time.Date(2026, 10, 1, 8, 0, 0, 0, time.UTC),
		Contact:  "しんじゅくシティウォーク事務局\n電話 03-0000-0000（平日 9:00〜17:00）",
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(subject)
	fmt.Println()
	fmt.Print(body)
	// Output:
	// 【しんじゅくシティウォーク2026】抽選結果のお知らせ（当選）受付番号 R-000123
	//
	// しんじゅくシティウォーク2026にお申し込みいただき、ありがとうございました。
	// 抽選の結果、当選となりましたのでお知らせします。
	//
	// 受付番号：R-000123
	// 当選した日時：
	// 　・10月18日（日）Aコース 9:00スタート
	//
	// 参加のご確認（または辞退のご連絡）を 2026年10月1日（木）17:00 までにお願いします。
	// 期限までにご確認がない場合は当選が取り消され、補欠の方が繰り上げ当選となります。
	//
	// 当日は受付番号をお控えのうえ、ご来場ください。
	//
	// ※このメールは送信専用のアドレスからお送りしています。ご返信いただいてもお答えできません。
	// ※お心当たりのない場合は、お手数ですが下記までご連絡ください。
	//
	// お問い合わせ先
	// しんじゅくシティウォーク事務局
	// 電話 03-0000-0000（平日 9:00〜17:00）
}
