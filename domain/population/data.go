package population

// This file holds the embedded reference data of the generator: the county
// lists of the cities it knows (a stand-in until domain/codes lands), name
// pools and place-name pools. It is data, so it is the one place of the
// package where Chinese text is written out.

// county is a county-level division (区, 县 or county-level 市) of a city.
type county struct {
	Code  string
	Name  string
	Rural bool // a 县 or county-level city: mostly rural addresses
	// Weight is the county's relative share of the city's registered
	// population.
	Weight int
}

// city is a prefecture-level city with its counties.
type city struct {
	Code     string
	Name     string
	Counties []county
}

// cities are the cities Offices and Generate accept as Config.Division.
var cities = []city{
	{Code: "211100", Name: "盘锦市", Counties: []county{
		{"211102", "双台子区", false, 22},
		{"211103", "兴隆台区", false, 36},
		{"211104", "大洼区", false, 22},
		{"211122", "盘山县", true, 20},
	}},
	{Code: "130100", Name: "石家庄市", Counties: []county{
		{"130102", "长安区", false, 9}, {"130104", "桥西区", false, 10}, {"130105", "新华区", false, 8},
		{"130107", "井陉矿区", false, 1}, {"130108", "裕华区", false, 9}, {"130109", "藁城区", false, 7},
		{"130110", "鹿泉区", false, 4}, {"130111", "栾城区", false, 3}, {"130121", "井陉县", true, 3},
		{"130123", "正定县", true, 5}, {"130125", "行唐县", true, 4}, {"130126", "灵寿县", true, 3},
		{"130127", "高邑县", true, 2}, {"130128", "深泽县", true, 2}, {"130129", "赞皇县", true, 2},
		{"130130", "无极县", true, 4}, {"130131", "平山县", true, 4}, {"130132", "元氏县", true, 4},
		{"130133", "赵县", true, 5}, {"130181", "辛集市", true, 6}, {"130183", "晋州市", true, 5},
		{"130184", "新乐市", true, 4},
	}},
	{Code: "510100", Name: "成都市", Counties: []county{
		{"510104", "锦江区", false, 5}, {"510105", "青羊区", false, 5}, {"510106", "金牛区", false, 7},
		{"510107", "武侯区", false, 7}, {"510108", "成华区", false, 7}, {"510112", "龙泉驿区", false, 6},
		{"510113", "青白江区", false, 2}, {"510114", "新都区", false, 7}, {"510115", "温江区", false, 4},
		{"510116", "双流区", false, 8}, {"510117", "郫都区", false, 6}, {"510118", "新津区", false, 2},
		{"510121", "金堂县", true, 4}, {"510129", "大邑县", true, 2}, {"510131", "蒲江县", true, 1},
		{"510181", "都江堰市", true, 3}, {"510182", "彭州市", true, 4}, {"510183", "邛崃市", true, 3},
		{"510184", "崇州市", true, 3}, {"510185", "简阳市", true, 6},
	}},
	{Code: "440100", Name: "广州市", Counties: []county{
		{"440103", "荔湾区", false, 6}, {"440104", "越秀区", false, 6}, {"440105", "海珠区", false, 9},
		{"440106", "天河区", false, 11}, {"440111", "白云区", false, 19}, {"440112", "黄埔区", false, 6},
		{"440113", "番禺区", false, 14}, {"440114", "花都区", false, 9}, {"440115", "南沙区", false, 5},
		{"440117", "从化区", false, 4}, {"440118", "增城区", false, 9},
	}},
	{Code: "210100", Name: "沈阳市", Counties: []county{
		{"210102", "和平区", false, 8}, {"210103", "沈河区", false, 7}, {"210104", "大东区", false, 7},
		{"210105", "皇姑区", false, 9}, {"210106", "铁西区", false, 13}, {"210111", "苏家屯区", false, 5},
		{"210112", "浑南区", false, 7}, {"210113", "沈北新区", false, 4}, {"210114", "于洪区", false, 7},
		{"210115", "辽中区", false, 5}, {"210123", "康平县", true, 3}, {"210124", "法库县", true, 4},
		{"210181", "新民市", true, 7},
	}},
}

// surnames are common surnames with their frequency in thousandths of a
// percent (2020 household-register statistics, rounded), plus a few
// two-character surnames and Manchu-derived surnames common in Liaoning.
var surnames = []weighted{
	{"王", 7100}, {"李", 7000}, {"张", 6700}, {"刘", 5400}, {"陈", 4500}, {"杨", 3100}, {"黄", 2200},
	{"赵", 2200}, {"吴", 2000}, {"周", 1900}, {"徐", 1500}, {"孙", 1500}, {"马", 1400}, {"朱", 1300},
	{"胡", 1200}, {"郭", 1200}, {"何", 1200}, {"林", 1100}, {"高", 1100}, {"罗", 1000}, {"郑", 1000},
	{"梁", 900}, {"谢", 800}, {"宋", 800}, {"唐", 800}, {"许", 700}, {"韩", 700}, {"邓", 700},
	{"冯", 700}, {"曹", 700}, {"彭", 600}, {"曾", 600}, {"肖", 600}, {"田", 600}, {"董", 600},
	{"潘", 500}, {"袁", 500}, {"蔡", 500}, {"蒋", 500}, {"余", 500}, {"于", 500}, {"杜", 500},
	{"叶", 500}, {"程", 500}, {"魏", 400}, {"苏", 400}, {"吕", 400}, {"丁", 400}, {"任", 400},
	{"卢", 400}, {"姚", 400}, {"沈", 400}, {"钟", 400}, {"姜", 400}, {"崔", 400}, {"谭", 400},
	{"陆", 400}, {"范", 300}, {"汪", 300}, {"廖", 300}, {"石", 300}, {"金", 300}, {"韦", 300},
	{"贾", 300}, {"夏", 300}, {"付", 300}, {"方", 300}, {"邹", 300}, {"熊", 300}, {"白", 300},
	{"孟", 300}, {"秦", 300}, {"邱", 300}, {"侯", 300}, {"江", 300}, {"尹", 300}, {"薛", 300},
	{"闫", 300}, {"段", 300}, {"雷", 200}, {"龙", 200}, {"黎", 200}, {"史", 200}, {"陶", 200},
	{"贺", 200}, {"毛", 200}, {"郝", 200}, {"顾", 200}, {"龚", 200}, {"邵", 200}, {"万", 200},
	{"覃", 200}, {"武", 200}, {"钱", 200}, {"戴", 200}, {"严", 200}, {"莫", 200}, {"孔", 200},
	{"向", 200}, {"常", 200}, {"汤", 200}, {"康", 200}, {"易", 200}, {"乔", 200}, {"赖", 200},
	{"文", 200}, {"关", 120}, {"佟", 60}, {"那", 30}, {"富", 20}, {"欧阳", 30}, {"司马", 10},
	{"上官", 10}, {"诸葛", 10}, {"东方", 5}, {"皇甫", 5}, {"令狐", 3}, {"慕容", 3},
}

// era is a birth-year range with its own naming fashion.
type era struct {
	Until int // last birth year of the era (inclusive)
	// SingleShare is the share, in percent, of one-character given names.
	SingleShare int
	Male        nameParts
	Female      nameParts
}

// nameParts holds the pools a given name is drawn from: whole two-character
// names, and characters that are used alone or combined.
type nameParts struct {
	Whole []string
	First string // characters for the first position of a two-character name
	Last  string // characters for the second position, or used alone
}

var eras = []era{
	{Until: 1959, SingleShare: 25,
		Male: nameParts{
			Whole: []string{"建国", "国庆", "建华", "国华", "振华", "德胜", "福生", "长林", "树林", "玉林", "志强", "志刚", "永祥", "宝山", "凤山", "连生", "跃进", "卫东", "解放", "和平"},
			First: "国建志德永宝长振玉福树广文金有庆家明洪兆",
			Last:  "华林山生祥才富成贵财荣发明海忠义德清江军",
		},
		Female: nameParts{
			Whole: []string{"秀英", "桂兰", "淑珍", "玉兰", "凤英", "桂英", "秀兰", "玉珍", "淑兰", "桂芝", "凤兰", "玉梅", "秀珍", "素华", "淑华", "桂香", "翠花", "玉芬", "秀云", "凤霞"},
			First: "秀桂淑玉凤素翠金银春美丽月彩爱",
			Last:  "英兰珍芝梅华云芬香霞琴荣花娥莲",
		},
	},
	{Until: 1984, SingleShare: 45,
		Male: nameParts{
			Whole: []string{"海涛", "建军", "立新", "红军", "晓东", "卫国", "志勇", "文斌", "永刚", "海波", "建伟", "春雷", "东升", "明辉", "国栋", "宏伟", "俊峰", "振宇", "新民", "晓光"},
			First: "海建立红晓卫志文永春东明国宏俊振新学成彦",
			Last:  "伟军勇磊强涛斌刚军峰辉波杰明平超亮鹏东华",
		},
		Female: nameParts{
			Whole: []string{"丽娟", "红梅", "海燕", "晓红", "艳红", "春燕", "丽华", "晓燕", "雪梅", "丽萍", "玉红", "秀梅", "晓丽", "小红", "爱华", "红霞", "丽丽", "冬梅", "亚丽", "晓梅"},
			First: "丽红海晓艳春雪玉秀小爱亚冬美桂彩",
			Last:  "丽静艳红敏芳娟霞燕梅萍玲华英莉丹",
		},
	},
	{Until: 2004, SingleShare: 35,
		Male: nameParts{
			Whole: []string{"浩然", "宇航", "俊杰", "子豪", "明轩", "鑫磊", "天宇", "博文", "嘉豪", "志远", "晨阳", "文博", "泽宇", "家豪", "一鸣", "思远", "浩宇", "佳豪", "宏宇", "振宇"},
			First: "浩宇俊子明鑫天博嘉志晨文泽家一思佳宏振鹏",
			Last:  "宇鑫浩帅杰磊超鹏飞阳博轩豪然航远龙辰东伟",
		},
		Female: nameParts{
			Whole: []string{"婷婷", "雪莹", "佳怡", "欣然", "梦瑶", "思琪", "雨欣", "晓雪", "佳琪", "静怡", "婉婷", "丹丹", "美琳", "诗雨", "心怡", "雅琪", "梦琪", "悦", "萌萌", "欣悦"},
			First: "婷雪佳欣梦思雨晓静婉丹美诗心雅",
			Last:  "婷莹怡然瑶琪欣雪琳雨悦萌薇颖璐",
		},
	},
	{Until: 9999, SingleShare: 12,
		Male: nameParts{
			Whole: []string{"子轩", "浩然", "宇轩", "梓豪", "一诺", "沐宸", "奕辰", "俊熙", "睿泽", "子墨", "皓轩", "思源", "铭泽", "煜祺", "锦程", "宇辰", "嘉懿", "承泽", "云帆", "梓睿"},
			First: "子浩宇梓一沐奕俊睿皓思铭煜锦嘉承云明",
			Last:  "轩然豪诺宸辰熙泽墨源祺程懿帆睿航阳川",
		},
		Female: nameParts{
			Whole: []string{"梓涵", "一诺", "欣怡", "梓萱", "若汐", "诗涵", "语桐", "可馨", "思彤", "紫涵", "雨桐", "依诺", "芷若", "沐晨", "语嫣", "梦琪", "梓晴", "安琪", "书瑶", "佳怡"},
			First: "梓一欣若诗语可思紫雨依芷沐梦安书佳",
			Last:  "涵诺怡萱汐桐馨彤晴琪瑶若妍悦琳然曦",
		},
	},
}

// rareChars are characters outside the Basic Multilingual Plane (CJK
// Extension B) that occur in real names and break software that assumes
// 16-bit characters: 𠮷 U+20BB7, 𡒄 U+21484, 𨺙 U+28E99, 𪚥 U+2A6A5,
// 𤭢 U+24B62, 𠝹 U+20779.
var rareChars = []string{"\U00020BB7", "\U00021484", "\U00028E99", "\U0002A6A5", "\U00024B62", "\U00020779"}

// urbanPlaces name sub-districts (街道) and the police stations serving them.
var urbanPlaces = []string{
	"振兴", "兴隆", "红旗", "胜利", "建设", "新华", "光明", "和平", "友谊", "解放", "人民", "东风",
	"曙光", "创新", "繁荣", "团结", "幸福", "新兴", "文化", "站前", "铁西", "辽河", "渤海", "惠宾",
	"兴海", "欢喜", "石油", "湖滨", "前进", "东湖",
}

// ruralPlaces name towns (镇) and the police stations serving them.
var ruralPlaces = []string{
	"高升", "沙岭", "胡家", "石新", "东郭", "羊圈子", "坝墙子", "得胜", "古城子", "太平", "甜水", "陈家",
	"吴家", "新开", "西安", "田家", "荣兴", "唐家", "平安", "清水", "榆树", "赵圈河", "新立", "大荒",
}

// compounds are residential compound names (小区) for urban addresses.
var compounds = []string{
	"光明里", "幸福里", "阳光花园", "锦绣家园", "鑫海小区", "友谊小区", "康桥园", "世纪城", "金色家园",
	"翠湖苑", "兴盛小区", "望湖庭", "绿城花园", "华府名都", "祥和小区", "泰山里", "惠民小区", "春天花园",
	"水岸人家", "石油一区", "石油二区", "油田小区", "雅园", "盛世华庭",
}

// villages are village names (村) for rural addresses.
var villages = []string{
	"大荒", "小荒", "前进", "红光", "新民", "东风", "永胜", "三家子", "王家", "李家", "张家", "大房身",
	"小亮沟", "北窑", "南岗", "西大", "东大", "双井子", "柳家", "新兴", "长兴", "腰屯", "后屯", "前屯",
}

// groupNumerals are the Chinese numerals used for village groups (组).
var groupNumerals = []string{"一", "二", "三", "四", "五", "六", "七", "八", "九", "十"}

// collectiveNames name collective households' addresses (units, dormitories).
var collectiveNames = []string{
	"职工宿舍", "学生公寓", "敬老院", "福利院", "部队营区", "油田职工公寓", "技工学校宿舍", "医院职工宿舍",
}
