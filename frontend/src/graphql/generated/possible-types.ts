
      export type PossibleTypesResultData = {
  "possibleTypes": {
    "CaseDetails": [
      "BirthDetails",
      "IdCardDetails",
      "InfoCertificateDetails",
      "MatterCertificateDetails",
      "MigrationDetails"
    ],
    "Node": [
      "Case",
      "Household",
      "Resident",
      "User"
    ],
    "OnlineResult": [
      "BirthOnlineResult",
      "MatterCertificateOnlineResult",
      "MigrationOnlineResult"
    ]
  }
};
      const result: PossibleTypesResultData = {
  "possibleTypes": {
    "CaseDetails": [
      "BirthDetails",
      "IdCardDetails",
      "InfoCertificateDetails",
      "MatterCertificateDetails",
      "MigrationDetails"
    ],
    "Node": [
      "Case",
      "Household",
      "Resident",
      "User"
    ],
    "OnlineResult": [
      "BirthOnlineResult",
      "MatterCertificateOnlineResult",
      "MigrationOnlineResult"
    ]
  }
};
      export default result;
    