#Requires -Modules Pester
# Pester 5, real PowerShell: tests/run-pester.sh (or, after building, Invoke-Pester tests/Pester/New-DkimKey.Tests.ps1).
BeforeAll {
    . (Join-Path $PSScriptRoot 'Support.ps1')
    Import-Module $ModuleManifest -Force
}

Describe 'New-DkimKey' {
    BeforeEach {
        $dir = Join-Path ([IO.Path]::GetTempPath()) ([guid]::NewGuid())
        New-Item -ItemType Directory -Path $dir | Out-Null
    }
    AfterEach {
        Remove-Item -Recurse -Force $dir
    }

    It 'writes a PKCS#8 key and returns the record' {
        $key = New-DkimKey -Domain example.test -Selector s1 -Path $dir
        $key.DnsName | Should -Be 's1._domainkey.example.test'
        $key.KeyLength | Should -Be 2048
        $key.DnsRecord | Should -Match '^v=DKIM1; k=rsa; p=[A-Za-z0-9+/=]+$'
        ($key.DnsRecordStrings -join '') | Should -Be $key.DnsRecord
        $key.DnsRecordStrings | ForEach-Object { [Text.Encoding]::ASCII.GetByteCount($_) | Should -BeLessOrEqual 255 }
        Get-Content -Raw $key.PrivateKeyPath | Should -Match '^-----BEGIN PRIVATE KEY-----'
    }

    It 'makes the key file readable by its owner only' -Skip:($IsWindows -or $PSVersionTable.PSEdition -eq 'Desktop') {
        $key = New-DkimKey -Domain example.test -Selector perm -Path $dir
        [IO.File]::GetUnixFileMode($key.PrivateKeyPath) | Should -Be ([IO.UnixFileMode]'UserRead, UserWrite')
    }

    It 'makes Ed25519 keys' {
        $key = New-DkimKey -Domain example.test -Selector ed -Path $dir -KeyAlgorithm Ed25519
        $key.KeyLength | Should -Be 256
        $key.DnsRecord | Should -Match '^v=DKIM1; k=ed25519; p=[A-Za-z0-9+/]{43}=$'
    }

    It 'refuses to overwrite without -Force' {
        New-DkimKey -Domain example.test -Selector dup -Path $dir | Out-Null
        { New-DkimKey -Domain example.test -Selector dup -Path $dir -ErrorAction Stop } | Should -Throw -ErrorId 'DkimKeyFileExists*'
        { New-DkimKey -Domain example.test -Selector dup -Path $dir -Force -ErrorAction Stop } | Should -Not -Throw
    }

    It 'writes nothing with -WhatIf' {
        New-DkimKey -Domain example.test -Selector wi -Path $dir -WhatIf | Should -BeNullOrEmpty
        Get-ChildItem $dir | Should -BeNullOrEmpty
    }

    It 'makes one key per pipeline row' {
        $rows = @([pscustomobject]@{ Domain = 'a.test'; Selector = 'k1' }, [pscustomobject]@{ Domain = 'b.test'; Selector = 'k2' })
        $keys = $rows | New-DkimKey -Path $dir -KeyAlgorithm Ed25519
        $keys.DnsName | Should -Be @('k1._domainkey.a.test', 'k2._domainkey.b.test')
        (Get-ChildItem $dir -Filter *.key).Count | Should -Be 2
    }
}
