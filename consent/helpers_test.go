package consent

import (
	"github.com/kuji-go/kuji/applicant"
)

func cityWalkDetails() Details {
	return Details{
		Title:      Text{"しんじゅくシティウォーク", "Shinjuku City Walk"},
		Controller: Text{"新宿区 健康部健康づくり課", "Shinjuku City, Health Promotion Section"},
		Processor:  Text{"株式会社イベント・コミュニケーションズ", "Event Communications Inc."},
		Recipients: []Recipient{{
			Name:     Text{"損害保険会社（傷害保険の引受会社）", "the accident insurer"},
			Purposes: []applicant.Purpose{applicant.PurposeInsurance},
			Fields:   []applicant.Field{applicant.FieldName, applicant.FieldAge, applicant.FieldSex},
		}},
		Retention: []Retention{{Class: applicant.ClassApplication, Text: Text{
			"申込情報は事業実施報告書の提出後に消去し、消去証明書を区に提出します。",
			"Application data is erased after the event report is submitted; the ward receives a certificate of erasure.",
		}}},
		Contact: Text{"新宿区健康づくり課 03-5273-3047", "Shinjuku City Health Promotion Section, +81 3-5273-3047"},
	}
}

func liveSiteDetails() Details {
	return Details{
		Title:      Text{"東京2020大会コミュニティライブサイト", "Tokyo 2020 Community Live Site"},
		Controller: Text{"新宿区 東京オリンピック・パラリンピック開催等担当課", "Shinjuku City, Tokyo 2020 Section"},
		Processor:  Text{"受託事業者", "the contractor"},
		Retention: []Retention{
			{Class: applicant.ClassApplication, Text: Text{"申込情報は業務終了後に区へ返還し、電磁的記録は消去します。", "Application data is returned to the ward and erased when the work ends."}},
			{Class: applicant.ClassContactCard, Text: Text{"連絡先カードはイベント終了の1か月後に廃棄します。", "Contact cards are destroyed one month after the event."}},
		},
		Contact: Text{"新宿区 03-5273-4284", "Shinjuku City, +81 3-5273-4284"},
	}
}
