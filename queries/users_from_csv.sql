-- The users file named by [dimensions] users_file in the config: user_id -> user_tier, team.
-- Parameter: $path. Both user_tier and team are optional columns' values (empty = unknown);
-- a user listed twice keeps its first row.
CREATE OR REPLACE TEMP TABLE users AS
SELECT user_id, user_tier, team
FROM (
    SELECT
        trim(user_id) AS user_id,
        nullif(lower(trim(user_tier)), '') AS user_tier,
        nullif(trim(team), '') AS team,
        row_number() OVER () AS n
    FROM read_csv($path, header = true, all_varchar = true, union_by_name = true)
)
QUALIFY row_number() OVER (PARTITION BY user_id ORDER BY n) = 1
