// Package passport turns a learner's verified credentials into a picture of
// what the learner can do: skills with a category, a level, issuers,
// evidence and freshness; stacks (pathways) with progress; credentials about
// to expire; and a gap analysis against a target role.
//
// It is the domain core and stands alone: standard library only, pure
// functions over plain values, no I/O of its own (definition files arrive as
// io.Reader, credentials as bytes or decoded maps) and no clock but the one
// injected through Options.Now.
//
// # Flow
//
// A credential is read once: when the wallet stores it, Normalize reads it
// (with encoding/json) into a Record, and the wallet keeps the Record next to
// the credential (EncodeRecord / DecodeRecord; Record documents its JSON
// shape, which carries RecordVersion). The passport is built from records:
//
//	rec, err := passport.Normalize(passport.Credential{RecordID: id, JSON: raw})   // on import
//	stored, err := passport.EncodeRecord(&rec)
//	…
//	p := passport.Build(entries, opts)     // each entry: a *Record and the wallet's current Verdict
//	err = p.Add(passport.Entry{Record: &rec, Verdict: v})   // a credential arrives
//	err = p.Remove(id)                                      // one is deleted or found revoked
//
// Build, Add and Remove read no JSON. The verdict is not part of the record
// because it changes (a credential expires or is revoked: Remove, then Add
// with the new verdict); nor is the catalog, which Build and Add apply, so
// that a catalog imported later applies to records stored before. A record
// of another RecordVersion is refused (ErrRecordVersion): the wallet
// normalises that credential again. BuildCredentials normalises and builds
// in one step for callers that hold only credentials (an advisor opening
// shared files, tests).
//
// # Model
//
// Normalize reads one credential into a Record of Achievements, each with the
// skills it evidences (SkillEvidence):
//
//   - Open Badges 3.0 (OpenBadgeCredential, AchievementCredential): the
//     subject's achievement with achievementType, tag, fieldOfStudy, related;
//     every alignment[] is a skill; every result[] aligned to a skill (or whose
//     resultDescription is) evidences that skill at the result's level; results
//     aligned to nothing set the achievement's own level. Results with status
//     Failed, Withdrew, Enrolled, InProgress or OnHold evidence nothing. An
//     achievement with no alignment is itself the skill, named by its name
//     with any level suffix taken off ("Python Gold" is the skill Python at
//     Gold).
//   - CLR 2.0 (ClrCredential): every credential in
//     credentialSubject.verifiableCredential[] (objects or VC-JWTs) is read as
//     above; association[] is kept: isChildOf, isParentOf and isPartOf make
//     stacks, exactMatchOf and replacedBy make ids equivalent, precedes orders
//     the steps of a stack. credentialSubject.achievement[] names the stacks.
//   - Open Badges 2.0 assertions (and Blockcerts version 2 certificates,
//     which are such assertions, Format blockcerts): the badge class is the
//     achievement, its alignments the skills (see formats.go); Europass
//     credentials: each claim, with the ESCO skills of its learning outcomes.
//   - Blockcerts version 3 (BlockcertsCredential): credentialSubject.claim
//     (else the credential's name) is the achievement and itself the skill; a
//     certificate naming neither shows no achievement.
//   - OpenCerts (OpenAttestation v2), read from the document's data with its
//     salts taken off (the wallet reveals it; fields the holder hid are
//     absent): the certificate is an achievement (achievementType Degree when
//     its name says bachelor, master, doctor, doctorate, phd or degree;
//     Diploma when it says diploma), and each course of its transcript is an
//     achievement of achievementType Course, evidencing the skill of its name
//     at its grade: A+ … D on the ladder D, D+, C-, C, C+, B-, B, B+, A-, A, A+
//     is (index+1)/11 (scale grade), a percentage is read as such, any other
//     passing grade (Pass, S, none) is Awarded; F, E, U, CU, Fail and courses
//     with "passed": false evidence nothing. So a course takes the category of
//     a keyword of its name ("Object Oriented Programming in Java":
//     Functional / Technical; "Introduction to Programming": Foundational, as
//     Foundational keywords are checked first) and is otherwise Foundational
//     by its type ("Microeconomics").
//   - Any other verifiable credential: its subject's claims become one generic
//     achievement named by the credential's name, a claim object's name (a
//     degree's, say; the first named claim in the order of the claims' names)
//     or its type.
//
// The same skill from several issuers is one skill with several pieces of
// evidence: skills are keyed by framework code when aligned, else by name
// (see SkillRef for the keys). A skill's best evidence is the one with the
// highest level (the newest of equals, then the first added); the skill
// shows that evidence's level, label, name and code (a SkillsFuture skill
// evidenced at proficiency 3 and 5 shows the level-5 code). Its
// last-evidenced date is its newest evidence's.
//
// # Categories
//
// Each piece of evidence proposes a
// category by the first rule that applies; the skill takes the proposal of
// the strongest rule (the lowest number), ties going to the first category
// in display order. A learner override (Options.Overrides, SetCategory)
// beats every rule.
//
//	rank rule            applies when                                       category
//	0    override        the learner chose one for the skill key            that one
//	1    framework       SkillsFuture type TSC                              Functional / Technical
//	                     SkillsFuture type CCS (critical core skills)       Leadership & Behavioural
//	                     ESCO skill type knowledge                          Foundational
//	                     ESCO skill type skill/competence                   Functional / Technical
//	                     ESCO transversal skill                             Leadership & Behavioural
//	                     O*NET 2.C knowledge, 2.A basic skills, 1.A         Foundational
//	                       abilities
//	                     O*NET 2.B.2–2.B.4 cross-functional skills          Functional / Technical
//	                     O*NET 2.B.1 social, 2.B.5 resource management,     Leadership & Behavioural
//	                       1.C work styles
//	                     O*NET 4.A work activities, 3.x experience          Performance & Application
//	2    tag             an achievement tag is a keyword (below)            the keyword's category
//	3    name            a word or phrase of the skill's name is a keyword  the keyword's category
//	4    achievementType Course, Degree (all kinds), Diploma,               Foundational
//	                       SecondarySchoolDiploma, GeneralEducation-
//	                       Development, LearningProgram, CertificateOf-
//	                       Completion
//	                     Certificate, Certification, License, Competency,   Functional / Technical
//	                       MicroCredential, Assessment, Journeyman-/Master-
//	                       Certificate, QualityAssuranceCredential
//	                     Assignment, Fieldwork, ApprenticeshipCertificate,  Performance & Application
//	                       CommunityService, CoCurricular, Award
//	                     Membership                                         Leadership & Behavioural
//	5    default         nothing above applies (Achievement, Badge, plain   Functional / Technical
//	                       VCs without keywords)
//
// Keywords are checked category by category in the order Leadership,
// Performance, Foundational, Functional; the first hit wins:
//
//	Leadership & Behavioural   leadership leader teamwork team collaboration communication interpersonal
//	                           negotiation mentoring coaching ethics integrity resilience adaptability empathy
//	                           "emotional intelligence" "critical thinking" "creative thinking" "problem solving"
//	                           "decision making" "self management" "people management" "customer orientation"
//	Performance & Application  project capstone internship apprenticeship practicum placement fieldwork
//	                           "work experience" experience portfolio hackathon volunteering volunteer
//	                           "community service" residency "on the job"
//	Foundational               fundamentals foundations introduction intro principles theory knowledge
//	                           literacy basics numeracy concepts 101
//	Functional / Technical     programming coding software engineering analytics technical technician
//	                           machining welding sql python java javascript excel cloud devops cybersecurity
//
// # Levels
//
// See Level for the one comparable scale (0 to 1) and how each source's
// labels map onto it.
//
// # Frameworks
//
// SkillsFuture TSC/CCS codes, ESCO URIs and O*NET element ids are recognised
// in alignments (see SkillRef). A Catalog (package wallet/framework reads one
// from the SkillsFuture workbook) completes names, TSC/CCS types and sectors
// when the passport is built (Options.Catalog): the category and field of
// each piece of evidence it completes are worked out again from the
// completed name and type.
//
// # Freshness
//
// Each skill has a field: fast (1-year half-life), standard (3 years) or
// durable (5 years), and a state (see FreshnessState). A skill is in a fast
// field when any of its evidence mentions a fast-field keyword in the skill's
// name or framework, the achievement's name, tags, fieldOfStudy or
// specialization, or the catalog sector; or when it is a SkillsFuture skill of
// the Infocomm Technology sector. The keywords: software, programming,
// coding, computing, computer science, information technology, infocomm, ict,
// cloud, cybersecurity, devops, data science, data analytics, analytics,
// machine learning, artificial intelligence, ai, blockchain, web development,
// javascript, typescript, python, java, golang, kubernetes, docker, sql,
// digital marketing, fintech, financial technology, digital banking, digital
// payments, regtech, insurtech, robotic process automation, iot, mobile app,
// user experience, ux, network security, penetration testing, big data.
// Otherwise Foundational and Leadership & Behavioural skills are durable and
// the rest standard. Credentials whose validity ends within 90 days
// (Options.ExpiryWindow) are listed by Expiring.
//
// # Pathways and roles
//
// ParsePathways reads a JSON pathway file; ParseRole a JSON role profile.
// Their formats:
//
// Pathway file:
//
//	{"pathways": [{
//	  "id": "cdp", "name": "Certified Data Practitioner",
//	  "mode": "all",                 or "any" with "k": 2
//	  "minLevel": "Level 2",         default for each step (number 0–1 or label)
//	  "award": "https://example.edu/achievements/cdp",
//	  "requires": [
//	    {"achievement": "https://example.edu/achievements/sql", "name": "SQL Basics"},
//	    {"name": "Python Gold"},
//	    {"skill": {"framework": "SkillsFuture", "code": "ICT-DIT-3002-1.1"}, "minLevel": "Proficiency 3"},
//	    {"pathway": "another-id"}
//	  ]}]}
//
// Role profile:
//
//	{"role": "Data Analyst", "id": "…", "sector": "Infocomm Technology", "maxAge": "3y",
//	 "skills": [
//	   {"framework": "SkillsFuture", "code": "ICT-DIT-3002-1.1", "name": "Data Analytics",
//	    "minLevel": "Proficiency 3", "maxAge": "2y", "weight": 2},
//	   {"name": "Teamwork", "minLevel": "Silver"}]}
//
// Gap analysis rates each required skill met, stale, below or missing and
// scores the match (see GapReport for the formula).
//
// # Passport
//
// Build makes a Passport from records; Add takes one more and Remove takes
// one out, each touching only the skills that record evidences (Remove
// documents its one dearer case); View (and MarshalJSON) computes the
// picture at the injected clock. View documents the JSON shape.
//
// Which credentials count is Verdict.Counts: verified ones, and genuine ones
// whose status list or blockchain anchor could not be checked (a Blockcerts
// or OpenCerts certificate read offline). The view marks the evidence and
// achievements of the latter "unconfirmed" (Verdict.Unconfirmed), and a
// skill "unconfirmed" while none of its evidence is fully verified.
package passport
