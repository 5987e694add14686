-- Built-in types gain an attribute: a CI's recorded recovery time, so that
-- it can be compared with the most demanding RTO it inherits from the
-- services that depend on it. A type that has the key already (a person
-- may have added one) keeps its own definition.
UPDATE ci_type
SET attributes = json_insert(attributes, '$[#]', json('{"key":"recovery_time_minutes","name":"Recovery time (minutes)","name_zh":"恢复时间(分钟)","kind":"number"}')),
    row_version = row_version + 1
WHERE builtin = 1
  AND key IN ('application', 'database', 'server', 'virtual_machine', 'network_device', 'storage', 'external_service')
  AND NOT EXISTS (SELECT 1 FROM json_each(ci_type.attributes) WHERE json_extract(value, '$.key') = 'recovery_time_minutes');
