package applicant

// variant folds a variant kanji (異体字) to the form kuji matches on. It is
// used only for matching keys: the display form keeps the kanji the person
// wrote, because a name written with 髙 must be printed with 髙.
//
// The table covers the variants Japanese registers and forms meet most
// (old forms 旧字体, common name variants and the compatibility ideographs
// NFKC leaves alone, such as 﨑 U+FA11). Compatibility ideographs that have
// a canonical decomposition are already folded by NFKC.
func variant(r rune) rune {
	switch r {
	case '髙':
		return '高'
	case '﨑', '嵜', '碕':
		return '崎'
	case '齋', '齊', '斉':
		return '斎'
	case '邊', '邉':
		return '辺'
	case '澤':
		return '沢'
	case '濱', '濵':
		return '浜'
	case '櫻':
		return '桜'
	case '國', '圀':
		return '国'
	case '廣':
		return '広'
	case '嶋', '嶌':
		return '島'
	case '冨':
		return '富'
	case '德':
		return '徳'
	case '惠':
		return '恵'
	case '榮':
		return '栄'
	case '實':
		return '実'
	case '眞':
		return '真'
	case '萬':
		return '万'
	case '壽':
		return '寿'
	case '淺':
		return '浅'
	case '關':
		return '関'
	case '鐵', '銕':
		return '鉄'
	case '瀨':
		return '瀬'
	case '槇':
		return '槙'
	case '圓':
		return '円'
	case '學':
		return '学'
	case '來':
		return '来'
	case '穗':
		return '穂'
	case '彌':
		return '弥'
	case '藏':
		return '蔵'
	case '譽':
		return '誉'
	case '瀧':
		return '滝'
	case '增':
		return '増'
	case '條':
		return '条'
	case '傳':
		return '伝'
	case '曾':
		return '曽'
	case '將':
		return '将'
	case '禮':
		return '礼'
	case '佛':
		return '仏'
	case '澁':
		return '渋'
	case '縣':
		return '県'
	case '滿':
		return '満'
	case '靑':
		return '青'
	case '黑':
		return '黒'
	case '嶽':
		return '岳'
	case '峯':
		return '峰'
	case '渕', '渊':
		return '淵'
	case '籠':
		return '篭'
	case '藪', '籔':
		return '薮'
	case '𠮷':
		return '吉'
	case '桒':
		return '桑'
	case '舘':
		return '館'
	case '淸':
		return '清'
	case '巖':
		return '巌'
	case '凛':
		return '凜'
	case '蘆':
		return '芦'
	case '鷗':
		return '鴎'
	case '栁':
		return '柳'
	case '會':
		return '会'
	case '邨':
		return '村'
	case '恆':
		return '恒'
	case '亞':
		return '亜'
	case '與':
		return '与'
	case '兒':
		return '児'
	case '壯':
		return '壮'
	case '莊':
		return '荘'
	case '龍':
		return '竜'
	case '晉':
		return '晋'
	case '驒':
		return '騨'
	case '檜':
		return '桧'
	case '螢':
		return '蛍'
	case '曻':
		return '昇'
	case 'ヶ':
		return 'ケ'
	case 'ヵ':
		return 'カ'
	}
	return r
}
