-- The SQLite schema of release 326aed3 (2026-12-07), the last made without migrations: what its
-- start-up (create_all) left in every store. tests/core/test_schema.py upgrades a store of this shape.
CREATE TABLE region (
	adcode VARCHAR(6) NOT NULL, 
	name VARCHAR NOT NULL, 
	short_name VARCHAR NOT NULL, 
	city_adcode VARCHAR(6) NOT NULL, 
	city_name VARCHAR NOT NULL, 
	kind VARCHAR NOT NULL, 
	assessed BOOLEAN NOT NULL, 
	assessment_class VARCHAR NOT NULL, 
	PRIMARY KEY (adcode)
);
CREATE INDEX ix_region_city_adcode ON region (city_adcode);
CREATE TABLE indicator (
	code VARCHAR(64) NOT NULL, 
	name VARCHAR NOT NULL, 
	group_code VARCHAR NOT NULL, 
	unit VARCHAR NOT NULL, 
	direction VARCHAR NOT NULL, 
	PRIMARY KEY (code)
);
CREATE TABLE city (
	adcode VARCHAR(6) NOT NULL, 
	name VARCHAR NOT NULL, 
	short_name VARCHAR NOT NULL, 
	PRIMARY KEY (adcode)
);
CREATE TABLE department_duty (
	id INTEGER NOT NULL, 
	department VARCHAR(32) NOT NULL, 
	year INTEGER NOT NULL, 
	duty VARCHAR(32) NOT NULL, 
	status VARCHAR NOT NULL, 
	evidence VARCHAR NOT NULL, 
	updated_by VARCHAR NOT NULL, 
	updated_at VARCHAR NOT NULL, 
	version INTEGER NOT NULL, 
	PRIMARY KEY (id), 
	UNIQUE (department, year, duty)
);
CREATE INDEX ix_department_duty_department ON department_duty (department);
CREATE INDEX ix_department_duty_year ON department_duty (year);
CREATE TABLE meta (
	"key" VARCHAR(64) NOT NULL, 
	value VARCHAR NOT NULL, 
	PRIMARY KEY ("key")
);
CREATE TABLE publication (
	id INTEGER NOT NULL, 
	year INTEGER NOT NULL, 
	revision INTEGER NOT NULL, 
	fingerprint VARCHAR(64) NOT NULL, 
	published_at VARCHAR NOT NULL, 
	published_by VARCHAR NOT NULL, 
	reason VARCHAR NOT NULL, 
	PRIMARY KEY (id), 
	UNIQUE (year, revision)
);
CREATE INDEX ix_publication_year ON publication (year);
CREATE TABLE audit_log (
	id INTEGER NOT NULL, 
	at VARCHAR NOT NULL, 
	user VARCHAR NOT NULL, 
	entity VARCHAR(64) NOT NULL, 
	entity_id VARCHAR(64) NOT NULL, 
	action VARCHAR(32) NOT NULL, 
	"before" VARCHAR NOT NULL, 
	"after" VARCHAR NOT NULL, 
	PRIMARY KEY (id)
);
CREATE INDEX ix_audit_log_entity ON audit_log (entity);
CREATE INDEX ix_audit_log_at ON audit_log (at);
CREATE TABLE access_log (
	id INTEGER NOT NULL, 
	at VARCHAR NOT NULL, 
	user VARCHAR(200) NOT NULL, 
	action VARCHAR(32) NOT NULL, 
	detail VARCHAR NOT NULL, 
	PRIMARY KEY (id)
);
CREATE INDEX ix_access_log_at ON access_log (at);
CREATE INDEX ix_access_log_user ON access_log (user);
CREATE TABLE login_throttle (
	username VARCHAR(64) NOT NULL, 
	source VARCHAR(80) NOT NULL, 
	failures INTEGER NOT NULL, 
	locked_until VARCHAR NOT NULL, 
	PRIMARY KEY (username, source)
);
CREATE TABLE login_session (
	token_hash VARCHAR(64) NOT NULL, 
	username VARCHAR(64) NOT NULL, 
	created_at VARCHAR NOT NULL, 
	last_seen VARCHAR NOT NULL, 
	ended_at VARCHAR NOT NULL, 
	source VARCHAR NOT NULL, 
	PRIMARY KEY (token_hash)
);
CREATE INDEX ix_login_session_username ON login_session (username);
CREATE TABLE inspection_round (
	id INTEGER NOT NULL, 
	year INTEGER NOT NULL, 
	name VARCHAR NOT NULL, 
	teams VARCHAR NOT NULL, 
	created_by VARCHAR NOT NULL, 
	created_at VARCHAR NOT NULL, 
	PRIMARY KEY (id)
);
CREATE INDEX ix_inspection_round_year ON inspection_round (year);
CREATE TABLE report_round (
	id INTEGER NOT NULL, 
	year INTEGER NOT NULL, 
	deadline VARCHAR NOT NULL, 
	opened_by VARCHAR NOT NULL, 
	opened_at VARCHAR NOT NULL, 
	PRIMARY KEY (id), 
	UNIQUE (year)
);
CREATE TABLE annual_report (
	id INTEGER NOT NULL, 
	year INTEGER NOT NULL, 
	unit VARCHAR(6) NOT NULL, 
	status VARCHAR NOT NULL, 
	file_name VARCHAR NOT NULL, 
	content_type VARCHAR NOT NULL, 
	size INTEGER NOT NULL, 
	content BLOB NOT NULL, 
	submitted_by VARCHAR NOT NULL, 
	submitted_at VARCHAR NOT NULL, 
	returned_reason VARCHAR NOT NULL, 
	version INTEGER NOT NULL, 
	PRIMARY KEY (id), 
	UNIQUE (year, unit)
);
CREATE INDEX ix_annual_report_unit ON annual_report (unit);
CREATE INDEX ix_annual_report_year ON annual_report (year);
CREATE TABLE data_round (
	id INTEGER NOT NULL, 
	year INTEGER NOT NULL, 
	deadline VARCHAR NOT NULL, 
	status VARCHAR NOT NULL, 
	opened_by VARCHAR NOT NULL, 
	opened_at VARCHAR NOT NULL, 
	closed_at VARCHAR NOT NULL, 
	PRIMARY KEY (id), 
	UNIQUE (year)
);
CREATE TABLE import_batch (
	id INTEGER NOT NULL, 
	file_name VARCHAR NOT NULL, 
	file_hash VARCHAR(64) NOT NULL, 
	user VARCHAR NOT NULL, 
	at VARCHAR NOT NULL, 
	rows_new INTEGER NOT NULL, 
	rows_changed INTEGER NOT NULL, 
	rows_unchanged INTEGER NOT NULL, 
	published_years VARCHAR NOT NULL, 
	reason VARCHAR NOT NULL, 
	rolled_back_at VARCHAR NOT NULL, 
	PRIMARY KEY (id)
);
CREATE INDEX ix_import_batch_file_hash ON import_batch (file_hash);
CREATE TABLE method_version (
	id INTEGER NOT NULL, 
	at VARCHAR NOT NULL, 
	user VARCHAR NOT NULL, 
	note VARCHAR NOT NULL, 
	overrides VARCHAR NOT NULL, 
	fingerprint VARCHAR(64) NOT NULL, 
	PRIMARY KEY (id)
);
CREATE TABLE account (
	username VARCHAR(64) NOT NULL, 
	display VARCHAR NOT NULL, 
	role VARCHAR(32) NOT NULL, 
	scope VARCHAR(6) NOT NULL, 
	password_hash VARCHAR NOT NULL, 
	created_at VARCHAR NOT NULL, 
	disabled BOOLEAN NOT NULL, 
	failures INTEGER NOT NULL, 
	locked_until VARCHAR NOT NULL, 
	PRIMARY KEY (username)
);
CREATE TABLE observation (
	id INTEGER NOT NULL, 
	adcode VARCHAR(6) NOT NULL, 
	year INTEGER NOT NULL, 
	indicator VARCHAR(64) NOT NULL, 
	value FLOAT NOT NULL, 
	status VARCHAR NOT NULL, 
	source VARCHAR NOT NULL, 
	PRIMARY KEY (id), 
	UNIQUE (adcode, year, indicator), 
	FOREIGN KEY(adcode) REFERENCES region (adcode), 
	FOREIGN KEY(indicator) REFERENCES indicator (code)
);
CREATE INDEX ix_observation_year ON observation (year);
CREATE INDEX ix_observation_adcode ON observation (adcode);
CREATE TABLE city_observation (
	id INTEGER NOT NULL, 
	adcode VARCHAR(6) NOT NULL, 
	year INTEGER NOT NULL, 
	indicator VARCHAR(64) NOT NULL, 
	value FLOAT NOT NULL, 
	source VARCHAR NOT NULL, 
	PRIMARY KEY (id), 
	UNIQUE (adcode, year, indicator), 
	FOREIGN KEY(adcode) REFERENCES city (adcode), 
	FOREIGN KEY(indicator) REFERENCES indicator (code)
);
CREATE INDEX ix_city_observation_adcode ON city_observation (adcode);
CREATE INDEX ix_city_observation_year ON city_observation (year);
CREATE TABLE support_relation (
	id INTEGER NOT NULL, 
	adcode VARCHAR(6) NOT NULL, 
	kind VARCHAR NOT NULL, 
	supporter VARCHAR(100) NOT NULL, 
	start_year INTEGER NOT NULL, 
	end_year INTEGER, 
	projects VARCHAR NOT NULL, 
	funds FLOAT, 
	version INTEGER NOT NULL, 
	deleted BOOLEAN NOT NULL, 
	updated_by VARCHAR NOT NULL, 
	updated_at VARCHAR NOT NULL, 
	PRIMARY KEY (id), 
	FOREIGN KEY(adcode) REFERENCES region (adcode)
);
CREATE UNIQUE INDEX uq_support_live ON support_relation (adcode, kind, supporter, start_year) WHERE NOT deleted;
CREATE INDEX ix_support_relation_adcode ON support_relation (adcode);
CREATE TABLE published_result (
	publication_id INTEGER NOT NULL, 
	adcode VARCHAR(6) NOT NULL, 
	payload VARCHAR NOT NULL, 
	PRIMARY KEY (publication_id, adcode), 
	FOREIGN KEY(publication_id) REFERENCES publication (id), 
	FOREIGN KEY(adcode) REFERENCES region (adcode)
);
CREATE TABLE published_city_value (
	publication_id INTEGER NOT NULL, 
	adcode VARCHAR(6) NOT NULL, 
	indicator VARCHAR(64) NOT NULL, 
	value FLOAT NOT NULL, 
	PRIMARY KEY (publication_id, adcode, indicator), 
	FOREIGN KEY(publication_id) REFERENCES publication (id), 
	FOREIGN KEY(adcode) REFERENCES city (adcode)
);
CREATE TABLE county_note (
	id INTEGER NOT NULL, 
	adcode VARCHAR(6) NOT NULL, 
	year INTEGER NOT NULL, 
	text VARCHAR NOT NULL, 
	author VARCHAR NOT NULL, 
	created_at VARCHAR NOT NULL, 
	deleted BOOLEAN NOT NULL, 
	PRIMARY KEY (id), 
	FOREIGN KEY(adcode) REFERENCES region (adcode)
);
CREATE INDEX ix_county_note_adcode ON county_note (adcode);
CREATE INDEX ix_county_note_year ON county_note (year);
CREATE TABLE interview (
	id INTEGER NOT NULL, 
	adcode VARCHAR(6) NOT NULL, 
	year INTEGER NOT NULL, 
	status VARCHAR NOT NULL, 
	interview_date VARCHAR NOT NULL, 
	level VARCHAR NOT NULL, 
	interviewees VARCHAR NOT NULL, 
	issues VARCHAR NOT NULL, 
	version INTEGER NOT NULL, 
	deleted BOOLEAN NOT NULL, 
	created_by VARCHAR NOT NULL, 
	created_at VARCHAR NOT NULL, 
	updated_at VARCHAR NOT NULL, 
	PRIMARY KEY (id), 
	FOREIGN KEY(adcode) REFERENCES region (adcode)
);
CREATE UNIQUE INDEX uq_interview_live ON interview (adcode, year) WHERE deleted = 0;
CREATE INDEX ix_interview_year ON interview (year);
CREATE INDEX ix_interview_adcode ON interview (adcode);
CREATE TABLE annual_report_file (
	id INTEGER NOT NULL, 
	report_id INTEGER NOT NULL, 
	version INTEGER NOT NULL, 
	file_name VARCHAR NOT NULL, 
	content_type VARCHAR NOT NULL, 
	size INTEGER NOT NULL, 
	content BLOB NOT NULL, 
	submitted_by VARCHAR NOT NULL, 
	submitted_at VARCHAR NOT NULL, 
	PRIMARY KEY (id), 
	FOREIGN KEY(report_id) REFERENCES annual_report (id)
);
CREATE INDEX ix_annual_report_file_report_id ON annual_report_file (report_id);
CREATE TABLE report_followup (
	id INTEGER NOT NULL, 
	report_id INTEGER NOT NULL, 
	year INTEGER NOT NULL, 
	adcode VARCHAR(6) NOT NULL, 
	matter VARCHAR NOT NULL, 
	status VARCHAR NOT NULL, 
	version INTEGER NOT NULL, 
	deleted BOOLEAN NOT NULL, 
	created_by VARCHAR NOT NULL, 
	created_at VARCHAR NOT NULL, 
	updated_at VARCHAR NOT NULL, 
	PRIMARY KEY (id), 
	FOREIGN KEY(report_id) REFERENCES annual_report (id)
);
CREATE INDEX ix_report_followup_adcode ON report_followup (adcode);
CREATE INDEX ix_report_followup_report_id ON report_followup (report_id);
CREATE INDEX ix_report_followup_year ON report_followup (year);
CREATE TABLE submission (
	id INTEGER NOT NULL, 
	round_id INTEGER NOT NULL, 
	adcode VARCHAR(6) NOT NULL, 
	state VARCHAR NOT NULL, 
	"values" VARCHAR NOT NULL, 
	explanations VARCHAR NOT NULL, 
	comments VARCHAR NOT NULL, 
	version INTEGER NOT NULL, 
	updated_at VARCHAR NOT NULL, 
	updated_by VARCHAR NOT NULL, 
	batch_id INTEGER, 
	PRIMARY KEY (id), 
	UNIQUE (round_id, adcode), 
	FOREIGN KEY(round_id) REFERENCES data_round (id), 
	FOREIGN KEY(adcode) REFERENCES region (adcode)
);
CREATE INDEX ix_submission_round_id ON submission (round_id);
CREATE INDEX ix_submission_adcode ON submission (adcode);
CREATE TABLE observation_change (
	id INTEGER NOT NULL, 
	batch_id INTEGER NOT NULL, 
	adcode VARCHAR(6) NOT NULL, 
	year INTEGER NOT NULL, 
	indicator VARCHAR(64) NOT NULL, 
	old_value FLOAT, 
	new_value FLOAT NOT NULL, 
	PRIMARY KEY (id), 
	FOREIGN KEY(batch_id) REFERENCES import_batch (id)
);
CREATE INDEX ix_observation_change_batch_id ON observation_change (batch_id);
CREATE TABLE rectification_task (
	id INTEGER NOT NULL, 
	description VARCHAR NOT NULL, 
	owner VARCHAR NOT NULL, 
	deadline VARCHAR NOT NULL, 
	done BOOLEAN NOT NULL, 
	done_at VARCHAR NOT NULL, 
	deleted BOOLEAN NOT NULL, 
	interview_id INTEGER NOT NULL, 
	PRIMARY KEY (id), 
	FOREIGN KEY(interview_id) REFERENCES interview (id)
);
CREATE INDEX ix_rectification_task_interview_id ON rectification_task (interview_id);
CREATE TABLE inspection_finding (
	id INTEGER NOT NULL, 
	round_id INTEGER NOT NULL, 
	adcode VARCHAR(6) NOT NULL, 
	category VARCHAR NOT NULL, 
	description VARCHAR NOT NULL, 
	evidence VARCHAR NOT NULL, 
	severity VARCHAR NOT NULL, 
	responsibility VARCHAR NOT NULL, 
	status VARCHAR NOT NULL, 
	interview_id INTEGER, 
	version INTEGER NOT NULL, 
	deleted BOOLEAN NOT NULL, 
	created_by VARCHAR NOT NULL, 
	created_at VARCHAR NOT NULL, 
	updated_at VARCHAR NOT NULL, 
	PRIMARY KEY (id), 
	FOREIGN KEY(round_id) REFERENCES inspection_round (id), 
	FOREIGN KEY(adcode) REFERENCES region (adcode), 
	FOREIGN KEY(interview_id) REFERENCES interview (id)
);
CREATE INDEX ix_inspection_finding_adcode ON inspection_finding (adcode);
CREATE INDEX ix_inspection_finding_round_id ON inspection_finding (round_id);
CREATE TABLE followup_task (
	id INTEGER NOT NULL, 
	description VARCHAR NOT NULL, 
	owner VARCHAR NOT NULL, 
	deadline VARCHAR NOT NULL, 
	done BOOLEAN NOT NULL, 
	done_at VARCHAR NOT NULL, 
	deleted BOOLEAN NOT NULL, 
	followup_id INTEGER NOT NULL, 
	PRIMARY KEY (id), 
	FOREIGN KEY(followup_id) REFERENCES report_followup (id)
);
CREATE INDEX ix_followup_task_followup_id ON followup_task (followup_id);
CREATE TABLE finding_task (
	id INTEGER NOT NULL, 
	description VARCHAR NOT NULL, 
	owner VARCHAR NOT NULL, 
	deadline VARCHAR NOT NULL, 
	done BOOLEAN NOT NULL, 
	done_at VARCHAR NOT NULL, 
	deleted BOOLEAN NOT NULL, 
	finding_id INTEGER NOT NULL, 
	PRIMARY KEY (id), 
	FOREIGN KEY(finding_id) REFERENCES inspection_finding (id)
);
CREATE INDEX ix_finding_task_finding_id ON finding_task (finding_id);
