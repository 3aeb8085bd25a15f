// Package frameworktest writes small SkillsFuture-layout workbooks for
// tests, with excelize, so that no test ships SkillsFuture data.
package frameworktest

import (
	"bytes"
	"fmt"

	"github.com/xuri/excelize/v2"
)

// Header is the official sheet's header with one extra column ("Remarks")
// between the job role and the skill, as a tolerant reader must accept.
var Header = []any{"Sector", "Track", "Job Role", "Remarks", "TSC_CCS Title", "TSC_CCS Code", "TSC_CCS Type", "Proficiency Level"}

// Sample is a small framework written for tests (not SkillsFuture data): a
// title row and a blank row above the header, two roles in Infocomm
// Technology, a Data Analyst in Financial Services too, a blank row between
// data rows, levels as numbers, text, "Level 2" and a CCS level.
func Sample() [][]any {
	return [][]any{
		{"Skills Framework (test data written for these tests)"},
		{},
		Header,
		{"Infocomm Technology", "Data and Artificial Intelligence", "Data Analyst", "", "Data Visualisation", "ICT-DIT-3007-1.1", "TSC", 3},
		{"Infocomm Technology", "Data and Artificial Intelligence", "Data Analyst", "", "Quality Assurance", "ICT-DIT-3010-1.1", "TSC", "4"},
		{"Infocomm Technology", "Data and Artificial Intelligence", "Data Analyst", "note", "Communication", "CCS-COM-I", "CCS", "Intermediate"},
		{},
		{"Infocomm Technology", "", "Data Engineer", "", "Data Engineering", "ICT-DIT-4005-1.1", "TSC", 4.0},
		{"Financial Services", "Data", "Data Analyst", "", "Data Visualisation", "ICT-DIT-2007-1.1", "TSC", "Level 2"},
		{"Financial Services", "Data", "Data Analyst", "", "Risk Analytics", "FSE-RMG-3001-1.1", "TSC", 3},
	}
}

// Workbook returns an .xlsx with rows (nil cells stay empty) on a sheet
// named sheet, after a first sheet "Read Me".
func Workbook(sheet string, rows [][]any) ([]byte, error) {
	f := excelize.NewFile()
	defer f.Close()
	if err := f.SetSheetName("Sheet1", "Read Me"); err != nil {
		return nil, err
	}
	if _, err := f.NewSheet(sheet); err != nil {
		return nil, err
	}
	for i, r := range rows {
		if len(r) == 0 {
			continue
		}
		if err := f.SetSheetRow(sheet, fmt.Sprintf("A%d", i+1), &r); err != nil {
			return nil, err
		}
	}
	var buf bytes.Buffer
	if err := f.Write(&buf); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}
