package goflow.redis.internal;

/** The Lua scripts goflow.redis runs on the server; docs/redis.md explains them. */
final class Scripts {
    private Scripts() {
    }

    /**
     * The generic cell rate algorithm on one key, with the fleet's rate and burst read from (or
     * written to) the limiter's configuration hash in the same slot.
     *
     * <p>KEYS[1] the bucket: its theoretical arrival time (TAT) in microseconds of Redis TIME since
     * 2025-01-01 ('%.3f') followed by the digits of the generation of the configuration it was
     * computed at, expiring when the bucket is full again; KEYS[2] the limiter's configuration hash
     * {rate, burst, gen: incremented at each change of them, starting at Redis's time in µs, prev:
     * the rate, burst and time (µs) of the last change before it}. ARGV: 1 mode (a: n or nothing; r: reserve n, waiting at most ARGV[3]; t: take up
     * to n; p: read; f: give back n of a reservation, less what later grants build on), 2 n, 3 the
     * longest wait of mode r in microseconds (of mode f: the TAT mode r returned with the
     * reservation, '-' when unknown), 4 and 5 this node's rate ('inf' or decimal) and burst, 6 which
     * of them to make the fleet's: 'r' the rate, 'b' the burst, 'rb' both (a field not named stays
     * the hash's, a change another node made); '0' to read the fleet's, seeding it when missing, 7
     * how long the configuration is kept unused (ms). Returns {granted, wait (µs, -1 never), tokens left, rate,
     * burst} as strings, and, after a decision on the bucket, its TAT.
     *
     * <p>A change of the rate or the burst (ARGV[6] not '0', with a rate or burst other than the hash's)
     * keeps the tokens KEYS[1] has, clamped to the new burst, as the local token bucket's setRate
     * and setBurst do: its TAT, a debt in time at the old rate and burst, is rewritten as the same
     * tokens at the new ones (read at the new rate, lowering 100/s to 1/s refilled an empty bucket
     * of 100 to 99 at once, and raising the rate left it empty for the old rate's refill time; read
     * at the new burst, raising 10 to 100 gave an empty bucket 90 tokens, and lowering 100 to 10
     * left 50 tokens at -40). A debt of tokens (a reservation that waits) is kept as such, not
     * forgiven. KEYS[1] is converted at the change: the single limiter's one bucket. A keyed
     * limiter's other keys are converted at their next decision: a key of the generation before the
     * hash's from prev (the tokens it had at the change, clamped to the new burst, refilled at the
     * new rate since), and written at the current generation; a key of an older generation, or a
     * plain TAT (an earlier version's), is read at the current rate and burst. The common path, a
     * key of the current generation, costs one more hash field, a string.sub and a compare; the
     * generation's digits after the three decimals let an earlier version's tonumber read the TAT
     * (a rolling upgrade).
     *
     * <p>Numbers go to Redis and back as strings in plain digits: Lua's tostring and Redis's own
     * conversion of a number argument print 10<sup>14</sup> and up in exponent notation, which
     * neither Redis (an expiry) nor the client (a grant) reads as an integer. A rate whose token
     * interval or refill time overflows a double is zero in effect, and answered as zero; a
     * bucket's expiry is capped at 10<sup>18</sup> ms (31 million years).
     *
     * <p>A configuration hash whose rate or burst is not a number at least 0 (edited by hand) is
     * answered with an error reply naming the key and its values, so that the limiter applies its
     * failure policy and says why, until the hash holds numbers again.
     */
    static final Script GCRA = Script.of("gcra", """
            local t = redis.call('TIME')
            local now = (tonumber(t[1]) - 1735689600) * 1000000 + tonumber(t[2])
            local rs, bs, gen = ARGV[4], ARGV[5], nil
            if ARGV[6] ~= '0' then
              local o = redis.call('HMGET', KEYS[2], 'rate', 'burst', 'gen')
              -- the field this node did not change stays the fleet's (if the hash holds a number there)
              local ro, bo = tonumber(o[1]), tonumber(o[2])
              if ARGV[6] == 'b' and ro and ro >= 0 then
                rs = o[1]
              elseif ARGV[6] == 'r' and bo and bo >= 1 then
                bs = o[2]
              end
              local changed = o[1] ~= rs or o[2] ~= bs
              gen = o[3] and string.find(o[3], '^%d+$') and o[3]
              if changed or not gen then
                -- the next generation; Redis's time for a hash that has none (new, or an earlier version's)
                gen = string.format('%.0f', gen and tonumber(gen) + 1 or now)
                if changed and o[1] and o[2] then
                  redis.call('HSET', KEYS[2], 'rate', rs, 'burst', bs, 'gen', gen, 'prev',
                    o[1] .. ' ' .. o[2] .. ' ' .. string.format('%.0f', now))
                else
                  redis.call('HSET', KEYS[2], 'rate', rs, 'burst', bs, 'gen', gen)
                end
              end
              local orate, oburst, nrate, nburst = ro, bo, tonumber(rs), tonumber(bs)
              if changed and orate and oburst and nrate and orate > 0 and nrate > 0 then
                local oT, nT = 1000000 / orate, 1000000 / nrate
                local v = redis.call('GET', KEYS[1]) or '0'
                local tat = tonumber(string.match(v, '^%-?%d+%.%d%d%d') or v)
                if tat and tat > now and oT * oburst < math.huge and nT * nburst < math.huge then
                  local kept = orate == math.huge and nburst or math.min(nburst, oburst - (tat - now) / oT)
                  tat = now + math.min((nburst - kept) * nT, 1e300) -- a debt that overflows: still finite
                  local px = math.min(math.ceil((tat - now) / 1000) + 1, 1e18)
                  redis.call('SET', KEYS[1], string.format('%.3f%s', tat, gen), 'PX', string.format('%.0f', px))
                end
              end
            else
              local c = redis.call('HMGET', KEYS[2], 'rate', 'burst', 'gen')
              if c[1] and c[2] then
                local cr, cb = tonumber(c[1]), tonumber(c[2])
                if not ((c[1] == 'inf' or (cr and cr >= 0)) and cb and cb >= 0) then
                  return redis.error_reply('ERR ' .. KEYS[2] .. ' holds rate=' .. c[1] .. ' burst=' .. c[2]
                    .. ', not two numbers at least 0 (written by hand?): set both, or delete the key')
                end
                rs, bs, gen = c[1], c[2], c[3]
                if not gen then
                  gen = string.format('%.0f', now)
                  redis.call('HSET', KEYS[2], 'gen', gen)
                end
              else
                gen = string.format('%.0f', now)
                redis.call('HSET', KEYS[2], 'rate', rs, 'burst', bs, 'gen', gen)
              end
            end
            redis.call('PEXPIRE', KEYS[2], ARGV[7])
            local mode = ARGV[1]
            local n = tonumber(ARGV[2])
            local burst = tonumber(bs)
            if mode == 'c' then
              return {'0', '0', bs, rs, bs}
            end
            if rs == 'inf' then
              if mode == 'p' or mode == 'f' then
                return {'0', '0', bs, rs, bs}
              end
              return {ARGV[2], '0', bs, rs, bs}
            end
            local rate = tonumber(rs)
            local T = rate > 0 and 1000000 / rate or 0
            local tau = burst * T
            if rate <= 0 or T == math.huge or tau == math.huge then
              return {'0', '-1', '0', rs, bs}
            end
            local v = redis.call('GET', KEYS[1])
            local tat, stale = 0, false
            if v then
              -- '%.3f' TAT and the generation: tonumber reads the TAT (less than 0.001 µs more); a TAT
              -- of another generation does not end with this one's digits (a '.' is among the last 14)
              tat = tonumber(v)
              if not tat or string.sub(v, -#gen) ~= gen then
                -- written before the last change of rate or burst: converted from the one before it
                -- (prev: its rate, burst and time), the tokens it had then, clamped to the new burst,
                -- refilled at the new rate since (a debt of tokens kept); older, or a plain number
                -- (an earlier version's), it is read at the current rate and burst
                stale = true
                local ts, g = string.match(v, '^(%-?%d+%.%d%d%d)(%d*)$')
                tat = tonumber(ts or v) or 0
                if g and g ~= '' and tonumber(g) + 1 == tonumber(gen) then
                  local pr, pb, at = string.match(redis.call('HGET', KEYS[2], 'prev') or '', '^(%S+) (%S+) (%d+)$')
                  local orate, oburst = tonumber(pr), tonumber(pb)
                  at = tonumber(at)
                  if orate and oburst and at and orate > 0 then
                    at = math.min(at, now)
                    local oT = 1000000 / orate
                    if tat > at and oT * oburst < math.huge then
                      local kept = orate == math.huge and burst or math.min(burst, oburst - (tat - at) / oT)
                      tat = at + math.min((burst - kept) * T, 1e300) -- a debt that overflows: still finite
                    end
                  end
                end
              end
            end
            if tat < now then
              tat = now
            end
            local avail = (tau - (tat - now)) / T
            local granted, wait = 0, 0
            if mode == 'p' then
              if stale then
                -- kept at this generation: converted once, and read as such after a next change
                local px = math.min(math.ceil((tat - now) / 1000) + 1, 1e18)
                redis.call('SET', KEYS[1], string.format('%.3f%s', tat, gen), 'PX', string.format('%.0f', px))
              end
              return {'0', '0', string.format('%.6f', avail), rs, bs}
            elseif mode == 'f' then
              -- n less what later grants build on: those moved the TAT past the reservation's (ARGV[3])
              local back, after = n, tonumber(ARGV[3])
              if after then
                back = math.max(0, math.min(n, n - (tat - after) / T))
              end
              tat = math.max(now, tat - back * T)
            elseif n > burst and mode ~= 't' then
              return {'0', '-1', string.format('%.6f', avail), rs, bs}
            elseif mode == 'a' then
              if avail + 1e-9 >= n then
                granted = n
                tat = tat + n * T
              else
                wait = (n - avail) * T
              end
            elseif mode == 'r' then
              wait = math.max(0, (n - avail) * T)
              if wait <= tonumber(ARGV[3]) then
                granted = n
                tat = tat + n * T
              end
            elseif mode == 't' then
              granted = math.min(n, math.floor(avail + 1e-9))
              if granted >= 1 then
                tat = tat + granted * T
              else
                granted = 0
                wait = (1 - avail) * T
              end
            end
            if granted > 0 or mode == 'f' or stale then
              local px = math.min(math.ceil((tat - now) / 1000) + 1, 1e18)
              redis.call('SET', KEYS[1], string.format('%.3f%s', tat, gen), 'PX', string.format('%.0f', px))
            end
            return {string.format('%.0f', granted), string.format('%.0f', math.ceil(wait)),
              string.format('%.6f', (tau - (tat - now)) / T), rs, bs, string.format('%.3f', tat)}
            """);

    /**
     * Takes a lease: KEYS[1] the lease, KEYS[2] its fencing counter (never expires); ARGV[1] the
     * attempt's id (no {@code #}), ARGV[2] the time to live (ms). Returns the fencing token, or 0 when
     * held. When the lease is held by ARGV[1] itself (an attempt whose reply was lost, retried with
     * its id), it is given back with its token, for ARGV[2] ms from now. A token is the counter plus
     * one, or Redis's time in microseconds when that is greater: above every token handed out before
     * (fewer than one acquisition per microsecond) even when the counter is missing (first use, a
     * restart that lost the data) or older than the last tokens (a restart from a snapshot, a
     * failover to a replica that lagged). The token is written with {@code %d}: Lua prints a number
     * past 10^14 in exponent notation.
     */
    static final Script LEASE_ACQUIRE = Script.of("lease-acquire", """
            local held = redis.call('GET', KEYS[1])
            if held then
              local mine = ARGV[1] .. '#'
              if string.sub(held, 1, #mine) == mine then
                redis.call('PEXPIRE', KEYS[1], ARGV[2])
                return tonumber(string.sub(held, #mine + 1))
              end
              return 0
            end
            local t = redis.call('TIME')
            local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
            local token = redis.call('INCR', KEYS[2])
            if token < now then
              token = now
              redis.call('SET', KEYS[2], string.format('%d', token))
            end
            if redis.call('SET', KEYS[1], ARGV[1] .. '#' .. string.format('%d', token), 'NX', 'PX', ARGV[2]) then
              return token
            end
            return 0
            """);

    /** Renews a lease if ARGV[1] ("holder#token") still holds it, for ARGV[2] ms. Returns 1 or 0. */
    static final Script LEASE_RENEW = Script.of("lease-renew", """
            if redis.call('GET', KEYS[1]) == ARGV[1] then
              return redis.call('PEXPIRE', KEYS[1], ARGV[2])
            end
            return 0
            """);

    /** Releases a lease if ARGV[1] ("holder#token") still holds it. Returns 1 or 0. */
    static final Script LEASE_RELEASE = Script.of("lease-release", """
            if redis.call('GET', KEYS[1]) == ARGV[1] then
              return redis.call('DEL', KEYS[1])
            end
            return 0
            """);
}
