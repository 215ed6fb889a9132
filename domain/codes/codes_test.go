package codes

import (
	"testing"

	"github.com/stretchr/testify/require"
)

func TestLoad(t *testing.T) {
	t.Parallel()

	// load returns an error instead of panicking, so a malformed data file
	// fails here with the row that is wrong.
	tab, err := load(dataFS)
	require.NoError(t, err)
	require.NotEmpty(t, tab.divisions)
	require.Len(t, tab.ethnicities.entries, 58)
	require.Len(t, tab.sexes.entries, 4)
	require.GreaterOrEqual(t, len(tab.relations.entries), 80)
}

func TestDivisions_Invariants(t *testing.T) {
	t.Parallel()

	all := Divisions()
	seen := make(map[string]bool, len(all))
	for i, d := range all {
		require.False(t, seen[d.Code], "duplicate %s", d.Code)
		seen[d.Code] = true
		if i > 0 {
			require.Less(t, all[i-1].Code, d.Code, "not sorted")
		}
		if d.Level == LevelProvince {
			require.Empty(t, d.Parent, d.Code)
			continue
		}
		p, ok := LookupDivision(d.Parent)
		require.True(t, ok, "parent %q of %s missing", d.Parent, d.Code)
		require.Equal(t, d.Code[:2], p.Code[:2], d.Code)
	}
}

func TestDivisions_Provinces(t *testing.T) {
	t.Parallel()

	var provinces []string
	for _, d := range Divisions() {
		if d.Level == LevelProvince {
			require.False(t, d.Historical, d.Code)
			provinces = append(provinces, d.Code[:2])
		}
	}
	require.Equal(t, []string{
		"11", "12", "13", "14", "15", "21", "22", "23", "31", "32", "33", "34", "35", "36", "37",
		"41", "42", "43", "44", "45", "46", "50", "51", "52", "53", "54", "61", "62", "63", "64", "65",
		"71", "81", "82",
	}, provinces)
}

func TestDivisions_CountsPerProvince(t *testing.T) {
	t.Parallel()

	// Current county-level counts of the MCA revision the data was taken from
	// (cn/GB2260 mca/202112.tsv); a change here must be a deliberate data update.
	tests := []struct {
		province              string
		prefectures, counties int
		minHistoricalCounties int
	}{
		{"13", 11, 167, 20}, // Hebei
		{"21", 14, 100, 3},  // Liaoning
		{"44", 21, 122, 20}, // Guangdong
		{"51", 21, 183, 20}, // Sichuan
	}
	for _, tt := range tests {
		t.Run(tt.province, func(t *testing.T) {
			t.Parallel()
			var pref, cty, hist int
			for _, d := range DivisionsUnder(tt.province) {
				switch {
				case d.Historical && d.Level == LevelCounty:
					hist++
				case d.Historical:
				case d.Level == LevelPrefecture:
					pref++
				case d.Level == LevelCounty:
					cty++
				}
			}
			require.Equal(t, tt.prefectures, pref)
			require.Equal(t, tt.counties, cty)
			require.GreaterOrEqual(t, hist, tt.minHistoricalCounties)
		})
	}
}

func TestLookupDivision(t *testing.T) {
	t.Parallel()

	tests := []struct {
		code       string
		name       string
		level      string
		parent     string
		historical bool
	}{
		{"210000", "辽宁省", LevelProvince, "", false},
		{"211100", "盘锦市", LevelPrefecture, "210000", false},
		{"211104", "大洼区", LevelCounty, "211100", false},
		{"211121", "大洼县", LevelCounty, "211100", true},
		{"130109", "藁城区", LevelCounty, "130100", false},
		{"130182", "藁城市", LevelCounty, "130100", true},
		{"510117", "郫都区", LevelCounty, "510100", false},
		{"510124", "郫县", LevelCounty, "510100", true},
		{"513800", "眉山地区", LevelPrefecture, "510000", true},
		{"440113", "番禺区", LevelCounty, "440100", false},
		{"440181", "番禺市", LevelCounty, "440100", true},
		{"110101", "东城区", LevelCounty, "110000", false},
		{"710000", "台湾省", LevelProvince, "", false},
		{"810000", "香港特别行政区", LevelProvince, "", false},
		{"820000", "澳门特别行政区", LevelProvince, "", false},
	}
	for _, tt := range tests {
		t.Run(tt.code, func(t *testing.T) {
			t.Parallel()
			d, ok := LookupDivision(tt.code)
			require.True(t, ok)
			require.Equal(t, Division{Code: tt.code, Name: tt.name, Level: tt.level, Parent: tt.parent, Historical: tt.historical}, d)
		})
	}

	for _, code := range []string{"", "21110", "2111040", "999999", "211199", "abcdef"} {
		_, ok := LookupDivision(code)
		require.False(t, ok, code)
	}
}

func TestDivisionsUnder(t *testing.T) {
	t.Parallel()

	codes := func(ds []Division) []string {
		var out []string
		for _, d := range ds {
			out = append(out, d.Code)
		}
		return out
	}
	panjin := []string{"211102", "211103", "211104", "211121", "211122"}
	require.Equal(t, panjin, codes(DivisionsUnder("2111")))
	require.Equal(t, panjin, codes(DivisionsUnder("211100")))

	var current []string
	for _, d := range DivisionsUnder("1301") {
		if !d.Historical {
			current = append(current, d.Name)
		}
	}
	require.Equal(t, []string{
		"长安区", "桥西区", "新华区", "井陉矿区", "裕华区", "藁城区", "鹿泉区", "栾城区", "井陉县", "正定县", "行唐县",
		"灵寿县", "高邑县", "深泽县", "赞皇县", "无极县", "平山县", "元氏县", "赵县", "辛集市", "晋州市", "新乐市",
	}, current)

	require.Len(t, DivisionsUnder("21"), 14+100+3)
	require.Nil(t, DivisionsUnder(""))
	require.Nil(t, DivisionsUnder("x1"))
	require.Nil(t, DivisionsUnder("2111040"))
}

func TestProvince(t *testing.T) {
	t.Parallel()

	p, ok := Province("211104")
	require.True(t, ok)
	require.Equal(t, "辽宁省", p.Name)
	p, ok = Province("130100")
	require.True(t, ok)
	require.Equal(t, "130000", p.Code)
	_, ok = Province("991234")
	require.False(t, ok)
	_, ok = Province("21")
	require.False(t, ok)
}

func TestFullName(t *testing.T) {
	t.Parallel()

	tests := map[string]string{
		"211104": "辽宁省盘锦市大洼区",
		"211121": "辽宁省盘锦市大洼县",
		"211100": "辽宁省盘锦市",
		"210000": "辽宁省",
		"110101": "北京市东城区",
		"130102": "河北省石家庄市长安区",
		"419001": "河南省济源市",
		"999999": "",
	}
	for code, want := range tests {
		require.Equal(t, want, FullName(code), code)
	}
}

func TestEntries(t *testing.T) {
	t.Parallel()

	tests := []struct {
		lookup func(string) (Entry, bool)
		code   string
		name   string
	}{
		{Ethnicity, "01", "汉族"},
		{Ethnicity, "02", "蒙古族"},
		{Ethnicity, "56", "基诺族"},
		{Ethnicity, "97", "其他"},
		{Ethnicity, "98", "外国血统中国籍人士"},
		{Relation, "01", "本人"},
		{Relation, "02", "户主"},
		{Relation, "10", "配偶"},
		{Relation, "22", "长子"},
		{Relation, "30", "女"},
		{Relation, "99", "非亲属"},
		{Sex, "0", "未知的性别"},
		{Sex, "1", "男性"},
		{Sex, "2", "女性"},
		{Sex, "9", "未说明的性别"},
	}
	for _, tt := range tests {
		e, ok := tt.lookup(tt.code)
		require.True(t, ok, tt.code)
		require.Equal(t, Entry{Code: tt.code, Name: tt.name}, e)
	}
	for _, code := range []string{"", "1", "57", "99", "001"} {
		_, ok := Ethnicity(code)
		require.False(t, ok, code)
	}
	_, ok := Sex("3")
	require.False(t, ok)
	_, ok = Relation("98")
	require.False(t, ok)

	require.Len(t, Ethnicities(), 58)
	require.Equal(t, "01", Ethnicities()[0].Code)
	require.Len(t, Sexes(), 4)
	rels := Relations()
	require.Equal(t, "01", rels[0].Code)
	require.Equal(t, "99", rels[len(rels)-1].Code)
}
